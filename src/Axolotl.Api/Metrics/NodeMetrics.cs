using System.ComponentModel;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Metrics;

/// <summary>metrics.k8s.io/v1beta1 NodeMetrics: a node's resource usage over the last window, as metrics-server serves it.</summary>
[Description("The resource usage of a node: CPU as a rate over the window, memory as the working set at the end of it.")]
public sealed class NodeMetrics : KubeObject
{
    [Description("The end of the window the usage was measured over.")]
    public DateTimeOffset Timestamp { get; set; }

    [Description("The length of the window the CPU rate was computed over, as a Go duration (e.g. 15.002s).")]
    public string Window { get; set; } = "";

    [Description("cpu (cores) and memory (working set bytes).")]
    public Dictionary<string, Quantity> Usage { get; set; } = [];
}
