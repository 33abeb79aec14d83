using Axolotl.Api.Meta;

namespace Axolotl.Api.Apps;

public sealed class Deployment : KubeObject<DeploymentSpec, DeploymentStatus>
{
}

public sealed class DeploymentSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class DeploymentStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
