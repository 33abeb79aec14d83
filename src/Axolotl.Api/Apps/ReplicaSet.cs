using Axolotl.Api.Meta;

namespace Axolotl.Api.Apps;

public sealed class ReplicaSet : KubeObject<ReplicaSetSpec, ReplicaSetStatus>
{
}

public sealed class ReplicaSetSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class ReplicaSetStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
