using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

public sealed class Namespace : KubeObject<NamespaceSpec, NamespaceStatus>
{
}

public sealed class NamespaceSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class NamespaceStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
