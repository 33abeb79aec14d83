using System.Globalization;
using Axolotl.Api.Metrics;
using Axolotl.Agent.Eviction;
using Axolotl.Agent.Runtime;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// The kubelet's /metrics/resource (what metrics-server reads) and /metrics/cadvisor, from the
/// cgroups the runtime made for each container: CPU seconds used and the memory working set (usage
/// less inactive file pages, as cAdvisor computes it). The node's figures come from /proc/stat and the
/// root memory cgroup (or /proc/meminfo on cgroup v2). cAdvisor's labels: container, id (the cgroup
/// path), image, name (the runtime's container id), namespace, pod.
/// </summary>
public sealed class ResourceMetricsCollector(KubeletMetricsSource source, bool cadvisor) : IMetricsCollector
{
    public async Task CollectAsync(ExpositionWriter writer, CancellationToken ct)
    {
        var readings = new List<(RunningContainer Container, ContainerStats Stats)>();
        foreach (var container in source.Running())
        {
            if (await source.Runtime.StatsAsync(container.Handle, ct) is { } stats)
            {
                readings.Add((container, stats));
            }
        }
        if (cadvisor)
        {
            WriteCadvisor(writer, readings);
            return;
        }
        writer.Family("node_cpu_usage_seconds_total", "[STABLE] Cumulative cpu time consumed by the node in core-seconds", MetricType.Counter);
        writer.Sample("node_cpu_usage_seconds_total", NodeCpuSeconds());
        writer.Family("node_memory_working_set_bytes", "[STABLE] Current working set of the node in bytes", MetricType.Gauge);
        writer.Sample("node_memory_working_set_bytes", NodeWorkingSet());
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

    /// <summary>All CPU time but idle and iowait, from /proc/stat's first line (USER_HZ is 100 on Linux).</summary>
    private double NodeCpuSeconds()
    {
        var line = File.ReadLines(Path.Combine(source.ProcRoot, "stat")).FirstOrDefault() ?? "";
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
        // user nice system idle iowait irq softirq steal: guest time is already inside user and nice.
        long busy = 0;
        for (var i = 0; i < Math.Min(fields.Length, 8); i++)
        {
            busy += i is 3 or 4 ? 0 : fields[i];
        }
        return busy / 100.0;
    }

    private long NodeWorkingSet()
    {
        var usage = PodsCgroup.Read(Path.Combine(source.CgroupRoot, "memory", "memory.usage_in_bytes"));
        if (usage is not null && long.TryParse(usage, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            return Math.Max(0, bytes - (PodsCgroup.ReadKeyed(Path.Combine(source.CgroupRoot, "memory", "memory.stat"), "total_inactive_file") ?? 0));
        }
        var meminfo = Node.NodeFacts.ReadMeminfo(Path.Combine(source.ProcRoot, "meminfo"));
        var used = meminfo.GetValueOrDefault("MemTotal") - meminfo.GetValueOrDefault("MemFree");
        return Math.Max(0, used - meminfo.GetValueOrDefault("Inactive(file)"));
    }
}
