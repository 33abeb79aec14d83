using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

public sealed class Node : KubeObject<NodeSpec, NodeStatus>
{
}

public sealed class NodeSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class NodeStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
