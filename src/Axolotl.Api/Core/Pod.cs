using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

public sealed class Pod : KubeObject<PodSpec, PodStatus>
{
}

public sealed class PodSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class PodStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
