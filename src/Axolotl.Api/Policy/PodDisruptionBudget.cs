using Axolotl.Api.Meta;

namespace Axolotl.Api.Policy;

public sealed class PodDisruptionBudget : KubeObject<PodDisruptionBudgetSpec, PodDisruptionBudgetStatus>
{
}

public sealed class PodDisruptionBudgetSpec
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}

public sealed class PodDisruptionBudgetStatus
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }
}
