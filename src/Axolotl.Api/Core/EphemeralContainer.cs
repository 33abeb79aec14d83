using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>A debugging container added to a running pod (kubectl debug).</summary>
[Description("A temporary container added to a running pod for troubleshooting. It is never restarted and has no ports or probes.")]
public sealed class EphemeralContainer : Container
{
    [Description("Name of a container in the pod whose process namespace this container joins.")]
    [JsonPropertyOrder(1)]
    public string? TargetContainerName { get; set; }
}
