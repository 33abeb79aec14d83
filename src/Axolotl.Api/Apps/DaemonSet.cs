using Axolotl.Api.Meta;

namespace Axolotl.Api.Apps;

public sealed class DaemonSet : KubeObject<DaemonSetSpec, DaemonSetStatus>
{
}

public sealed class DaemonSetSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class DaemonSetStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
