using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

public sealed class ReplicationController : KubeObject<ReplicationControllerSpec, ReplicationControllerStatus>
{
}

public sealed class ReplicationControllerSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class ReplicationControllerStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
