using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>A node taint: repels pods that do not tolerate it.</summary>
[Description("A mark on a node that keeps away pods which do not tolerate it.")]
public sealed class Taint
{
    [Description("The taint key.")]
    public string Key { get; set => field = value ?? ""; } = "";

    [Description("The taint value.")]
    public string? Value { get; set; }

    [Description("NoSchedule, PreferNoSchedule or NoExecute.")]
    public string Effect { get; set => field = value ?? ""; } = "";

    [Description("When a NoExecute taint was added; set by the system.")]
    public DateTimeOffset? TimeAdded { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
