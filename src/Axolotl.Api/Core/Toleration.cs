using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>Lets a pod be scheduled onto (or stay on) nodes with a matching taint.</summary>
[Description("Allows the pod onto nodes that carry a matching taint.")]
public sealed class Toleration
{
    [Description("The taint key to match; empty with operator Exists matches every taint.")]
    public string? Key { get; set; }

    [Description("Exists or Equal. Defaults to Equal.")]
    public string? Operator { get; set; }

    [Description("The taint value to match when the operator is Equal.")]
    public string? Value { get; set; }

    [Description("The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.")]
    public string? Effect { get; set; }

    [Description("For NoExecute: how long the pod may stay after the taint appears; unset means forever.")]
    public long? TolerationSeconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
