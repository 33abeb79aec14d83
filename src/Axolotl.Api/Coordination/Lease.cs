using Axolotl.Api.Meta;

namespace Axolotl.Api.Coordination;

public sealed class Lease : KubeObject<LeaseSpec, LeaseStatus>
{
}

public sealed class LeaseSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class LeaseStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
