using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Meta;

/// <summary>
/// meta/v1 DeleteOptions: the body of a DELETE and the options inside an Eviction. Kind and apiVersion
/// stay null unless given, so an Eviction reads back as it was written; the client fills them in.
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
