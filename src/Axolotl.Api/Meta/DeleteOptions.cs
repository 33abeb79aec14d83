using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Policy;

/// <summary>
/// meta/v1 DeleteOptions as carried inside an Eviction. It lives here because Meta/ belongs to
/// another area; the API server may reuse it for DELETE bodies.
/// </summary>
[Description("Options for deleting an object: grace period, preconditions and how dependents are handled.")]
public sealed class DeleteOptions
{
    [JsonPropertyOrder(-20)]
    public string? Kind { get; set; }

    [JsonPropertyOrder(-30)]
    public string? ApiVersion { get; set; }

    [Description("Seconds before the object is deleted; 0 means immediately.")]
    public long? GracePeriodSeconds { get; set; }

    [Description("Conditions that must hold for the deletion to proceed.")]
    public Preconditions? Preconditions { get; set; }

    [Description("Deprecated: use propagationPolicy Orphan.")]
    public bool? OrphanDependents { get; set; }

    [Description("Orphan, Background or Foreground.")]
    public string? PropagationPolicy { get; set; }

    [Description("All means the deletion is not persisted.")]
    public List<string>? DryRun { get; set; }

    [Description("Delete even if the stored object cannot be decoded.")]
    public bool? IgnoreStoreReadErrorWithClusterBreakingPotential { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Preconditions of a deletion: the uid and/or resourceVersion the object must still have.</summary>
public sealed class Preconditions
{
    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
