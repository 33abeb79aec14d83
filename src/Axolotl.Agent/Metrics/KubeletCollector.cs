using Axolotl.Api.Metrics;

namespace Axolotl.Agent.Metrics;

/// <summary>The kubelet's own /metrics families that the agent can state from what it runs: pods, containers and its node name.</summary>
public sealed class KubeletCollector(KubeletMetricsSource source) : IMetricsCollector
{
    public Task CollectAsync(ExpositionWriter writer, CancellationToken ct)
    {
        writer.Family("kubelet_node_name", "[ALPHA] The node's name. The count is always 1.", MetricType.Gauge);
        writer.Sample("kubelet_node_name", 1, "node", source.NodeName);
        writer.Family("kubelet_running_pods", "[ALPHA] Number of pods that have a running pod sandbox", MetricType.Gauge);
        writer.Sample("kubelet_running_pods", source.RunningPods());
        writer.Family("kubelet_running_containers", "[ALPHA] Number of containers currently running", MetricType.Gauge);
        writer.Sample("kubelet_running_containers", source.Running().Count, "container_state", "running");
        return Task.CompletedTask;
    }
}
