using Axolotl.Api.Metrics;
using Axolotl.Runtime;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// The kubelet's /metrics/resource (what metrics-server reads) and /metrics/cadvisor, from the
/// cgroups the runtime made for each container: CPU seconds used and the memory working set (usage
/// less inactive file pages, as cAdvisor computes it), read by <see cref="KubeletMetricsSource.ReadAsync"/>. cAdvisor's labels: container, id (the cgroup
/// path), image, name (the runtime's container id), namespace, pod.
/// </summary>
public sealed class ResourceMetricsCollector(KubeletMetricsSource source, bool cadvisor) : IMetricsCollector
{
    public async Task CollectAsync(ExpositionWriter writer, CancellationToken ct)
    {
        var reading = await source.ReadAsync(ct);
        var readings = reading.Containers.Select(r => (r.Container, r.Stats)).ToList();
        if (cadvisor)
        {
            WriteCadvisor(writer, readings);
            return;
        }
        writer.Family("node_cpu_usage_seconds_total", "[STABLE] Cumulative cpu time consumed by the node in core-seconds", MetricType.Counter);
        writer.Sample("node_cpu_usage_seconds_total", reading.NodeCpuNanoseconds / 1e9);
        writer.Family("node_memory_working_set_bytes", "[STABLE] Current working set of the node in bytes", MetricType.Gauge);
        writer.Sample("node_memory_working_set_bytes", reading.NodeWorkingSetBytes);
        writer.Family("container_cpu_usage_seconds_total", "[STABLE] Cumulative cpu time consumed by the container in core-seconds", MetricType.Counter);
        foreach (var (c, s) in readings)
        {
            writer.Sample("container_cpu_usage_seconds_total", s.CpuUsageNanoseconds / 1e9, "container", c.Container, "namespace", c.Namespace, "pod", c.Pod);
        }
        writer.Family("container_memory_working_set_bytes", "[STABLE] Current working set of the container in bytes", MetricType.Gauge);
        foreach (var (c, s) in readings)
        {
            writer.Sample("container_memory_working_set_bytes", s.MemoryWorkingSetBytes, "container", c.Container, "namespace", c.Namespace, "pod", c.Pod);
        }
        writer.Family("container_start_time_seconds", "[STABLE] Start time of the container since unix epoch in seconds", MetricType.Gauge);
        foreach (var (c, _) in readings)
        {
            writer.Sample("container_start_time_seconds", c.Handle.StartedAt.ToUnixTimeMilliseconds() / 1000.0, "container", c.Container, "namespace", c.Namespace, "pod", c.Pod);
        }
        var pods = readings.GroupBy(r => (r.Container.Namespace, r.Container.Pod)).ToList();
        writer.Family("pod_cpu_usage_seconds_total", "[STABLE] Cumulative cpu time consumed by the pod in core-seconds", MetricType.Counter);
        foreach (var pod in pods)
        {
            writer.Sample("pod_cpu_usage_seconds_total", pod.Sum(r => r.Stats.CpuUsageNanoseconds) / 1e9, "namespace", pod.Key.Namespace, "pod", pod.Key.Pod);
        }
        writer.Family("pod_memory_working_set_bytes", "[STABLE] Current working set of the pod in bytes", MetricType.Gauge);
        foreach (var pod in pods)
        {
            writer.Sample("pod_memory_working_set_bytes", pod.Sum(r => r.Stats.MemoryWorkingSetBytes), "namespace", pod.Key.Namespace, "pod", pod.Key.Pod);
        }
    }

    private static void WriteCadvisor(ExpositionWriter writer, List<(RunningContainer Container, ContainerStats Stats)> readings)
    {
        string[] Labels(RunningContainer c) =>
            ["container", c.Container, "id", $"/{c.PodUid}/{c.Container}", "image", c.Image, "name", c.Handle.Id, "namespace", c.Namespace, "pod", c.Pod];
        writer.Family("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", MetricType.Counter);
        foreach (var (c, s) in readings)
        {
            writer.Sample("container_cpu_usage_seconds_total", s.CpuUsageNanoseconds / 1e9, [.. Labels(c), "cpu", "total"]);
        }
        writer.Family("container_memory_working_set_bytes", "Current working set in bytes.", MetricType.Gauge);
        foreach (var (c, s) in readings)
        {
            writer.Sample("container_memory_working_set_bytes", s.MemoryWorkingSetBytes, Labels(c));
        }
        writer.Family("container_cpu_cfs_throttled_periods_total", "Number of throttled period intervals.", MetricType.Counter);
        foreach (var (c, s) in readings)
        {
            writer.Sample("container_cpu_cfs_throttled_periods_total", s.ThrottledPeriods, Labels(c));
        }
        writer.Family("container_cpu_cfs_throttled_seconds_total", "Total time duration the container has been throttled.", MetricType.Counter);
        foreach (var (c, s) in readings)
        {
            writer.Sample("container_cpu_cfs_throttled_seconds_total", s.ThrottledNanoseconds / 1e9, Labels(c));
        }
    }
}
