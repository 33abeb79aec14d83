using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Metrics;

/// <summary>metrics.k8s.io/v1beta1 PodMetrics: the usage of each of a pod's running containers.</summary>
[Description("The resource usage of a pod's containers over the last window.")]
public sealed class PodMetrics : KubeObject
{
    [Description("The end of the window the usage was measured over.")]
    public DateTimeOffset Timestamp { get; set; }

    [Description("The length of the window the CPU rate was computed over, as a Go duration (e.g. 15.002s).")]
    public string Window { get; set; } = "";

    [Description("One entry per running container.")]
    public List<ContainerMetrics> Containers { get; set; } = [];
}
