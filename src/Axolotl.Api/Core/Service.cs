using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

public sealed class Service : KubeObject<ServiceSpec, ServiceStatus>
{
}

public sealed class ServiceSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class ServiceStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
