using Axolotl.Agent.Metrics;
using Axolotl.Api.Metrics;

namespace Axolotl.Agent.Stats;

/// <summary>
/// What the resource metrics API needs from the node (the kubelet's /metrics/resource inputs), as
/// /stats/resource serves it: the node's and each running container's cumulative CPU time and working
/// set, from the one reader the kubelet's metrics endpoints use too. Cumulative values only; the API
/// server turns two summaries into rates.
/// </summary>
public sealed class ResourceStatsCollector(KubeletMetricsSource source, TimeProvider time)
{
    public async Task<ResourceStatsSummary> CollectAsync(CancellationToken ct)
    {
        var reading = await source.ReadAsync(ct);
        var pods = reading.Containers
            .GroupBy(c => c.Container.PodUid, StringComparer.Ordinal)
            .Select(pod =>
            {
                var first = pod.First().Container;
                return new PodResourceSample(first.Namespace, first.Pod, first.PodUid, [.. pod.Select(c =>
                    new ContainerResourceSample(c.Container.Container, c.Container.Handle.Id, new ResourceSample(c.Stats.CpuUsageNanoseconds, c.Stats.MemoryWorkingSetBytes)))]);
            })
            .ToList();
        return new ResourceStatsSummary(time.GetUtcNow(), new ResourceSample(reading.NodeCpuNanoseconds, reading.NodeWorkingSetBytes), pods);
    }
}
