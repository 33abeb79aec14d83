using System.ComponentModel;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Metrics;

/// <summary>metrics.k8s.io/v1beta1 ContainerMetrics.</summary>
public sealed class ContainerMetrics
{
    [Description("The container's name.")]
    public string Name { get; set; } = "";

    [Description("cpu (cores) and memory (working set bytes).")]
    public Dictionary<string, Quantity> Usage { get; set; } = [];
}
