using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

public sealed class ResourceQuota : KubeObject<ResourceQuotaSpec, ResourceQuotaStatus>
{
}

public sealed class ResourceQuotaSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class ResourceQuotaStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
