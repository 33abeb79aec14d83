using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

public sealed class LimitRange : KubeObject<LimitRangeSpec, LimitRangeStatus>
{
}

public sealed class LimitRangeSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class LimitRangeStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
