using System.Globalization;
using Axolotl.Agent.Eviction;
using Axolotl.Agent.Pods;
using Axolotl.Agent.Runtime;
using Axolotl.Api.Metrics;

namespace Axolotl.Agent.Stats;

/// <summary>
/// Reads what the resource metrics API needs from the node (the kubelet's /metrics/resource inputs):
/// the node's cumulative CPU time from /proc/stat and its working set from the root memory cgroup,
/// and each running container's cgroup CPU time and working set. Cumulative values only; the API
/// server turns two summaries into rates.
/// </summary>
public sealed class ResourceStatsCollector(Func<IEnumerable<PodWorker>> pods, IContainerRuntime runtime, TimeProvider time, string proc = "/proc")
{
    // USER_HZ is 100 on every Linux architecture .NET runs on; /proc/stat counts in these ticks.
    private const long NanosecondsPerTick = 10_000_000;

    private readonly NodeSignals _node = new("/", "/", pods: null, proc: proc);

    public async Task<ResourceStatsSummary> CollectAsync(CancellationToken ct)
    {
        var result = new List<PodResourceSample>();
        foreach (var worker in pods().ToList())
        {
            if (!worker.IsActive)
            {
                continue;
            }
            var containers = new List<ContainerResourceSample>();
            foreach (var (name, handle) in Snapshot(worker.Live))
            {
                ContainerStats? stats;
                try
                {
                    stats = await runtime.StatsAsync(handle, ct);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException)
                {
                    stats = null;
                }
                if (stats is not null)
                {
                    containers.Add(new ContainerResourceSample(name, handle.Id, new ResourceSample(stats.CpuUsageNanoseconds, stats.MemoryWorkingSetBytes)));
                }
            }
            if (containers.Count > 0)
            {
                var meta = worker.Latest.Metadata;
                result.Add(new PodResourceSample(meta.Namespace ?? "", meta.Name ?? "", worker.Uid, containers));
            }
        }
        var node = new ResourceSample(NodeCpuNanoseconds(Path.Combine(proc, "stat")), _node.WorkingSetBytes());
        return new ResourceStatsSummary(time.GetUtcNow(), node, result);
    }

    /// <summary>The busy time of all CPUs: every field of /proc/stat's "cpu" line but idle and iowait (cAdvisor's root usage).</summary>
    internal static long NodeCpuNanoseconds(string statPath)
    {
        var line = PodsCgroup.Read(statPath)?.Split('\n', 2)[0];
        if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
        {
            return 0;
        }
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        for (var i = 1; i < Math.Min(fields.Length, 9); i++)
        {
            if (i is 4 or 5)
            {
                continue;
            }
            busy += long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : 0;
        }
        return busy * NanosecondsPerTick;
    }

    private static List<KeyValuePair<string, ContainerHandle>> Snapshot(IReadOnlyDictionary<string, ContainerHandle> live)
    {
        // The worker mutates this map on its own lane; a read racing a write is retried once, then skipped.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                return [.. live];
            }
            catch (InvalidOperationException)
            {
            }
        }
        return [];
    }
}
