using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>meta/v1 Condition, the standard condition shape used by Service and PodDisruptionBudget status.</summary>
public sealed class Condition
{
    public string Type { get; set => field = value ?? ""; } = "";

    /// <summary>True, False or Unknown.</summary>
    public string Status { get; set => field = value ?? ""; } = "";

    public long? ObservedGeneration { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string Reason { get; set => field = value ?? ""; } = "";

    public string Message { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
