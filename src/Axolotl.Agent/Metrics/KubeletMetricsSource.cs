using System.Globalization;
using Axolotl.Agent.Eviction;
using Axolotl.Agent.Pods;
using Axolotl.Runtime;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// The one reader of this node's resource usage, for every endpoint that reports it (/stats/resource
/// for the API server's metrics.k8s.io, /metrics/resource and /metrics/cadvisor): the pods this agent
/// runs with their live container handles, each container's cgroup readings through the runtime (the
/// same <see cref="IContainerRuntime.StatsAsync"/> the eviction manager ranks pods with), the node's
/// busy CPU time from /proc/stat and its working set as the eviction signals compute it.
/// </summary>
public sealed class KubeletMetricsSource(string nodeName, Func<IEnumerable<PodWorker>> workers, IContainerRuntime runtime, string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup")
{
    // USER_HZ is 100 on every Linux architecture .NET runs on; /proc/stat counts in these ticks.
    private const long NanosecondsPerTick = 10_000_000;

    private readonly NodeSignals _node = new("/", "/", pods: null, proc: procRoot, cgroupRoot: cgroupRoot);

    public string NodeName => nodeName;

    /// <summary>Each running container once: its pod's identity, the spec's image, and its handle.</summary>
    public IReadOnlyList<RunningContainer> Running()
    {
        var result = new List<RunningContainer>();
        foreach (var worker in workers().ToList())
        {
            if (worker.Lifecycle.IsFinished)
            {
                continue;
            }
            var pod = worker.Latest;
            var images = (pod.Spec?.AllContainers() ?? []).Where(c => c.Name is not null).DistinctBy(c => c.Name)
                .ToDictionary(c => c.Name!, c => c.Image ?? "", StringComparer.Ordinal);
            foreach (var (name, handle) in worker.Live)
            {
                result.Add(new RunningContainer(pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "", worker.Uid, name, images.GetValueOrDefault(name, ""), handle));
            }
        }
        return result;
    }

    /// <summary>Pods this agent runs now (not yet terminated).</summary>
    public int RunningPods() => workers().Count(w => !w.Lifecycle.IsFinished && w.Live.Count > 0);

    /// <summary>
    /// One reading of everything: the running containers the runtime could measure (one that exited
    /// meanwhile, or whose cgroup cannot be read, is left out) and the node's totals.
    /// </summary>
    public async Task<NodeResourceReading> ReadAsync(CancellationToken ct)
    {
        var containers = new List<ContainerReading>();
        foreach (var container in Running())
        {
            ContainerStats? stats;
            try
            {
                stats = await runtime.StatsAsync(container.Handle, ct);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                stats = null;
            }
            if (stats is not null)
            {
                containers.Add(new ContainerReading(container, stats));
            }
        }
        return new NodeResourceReading(NodeCpuNanoseconds(Path.Combine(procRoot, "stat")), _node.WorkingSetBytes(), containers);
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
}

/// <summary>One container this node runs now.</summary>
public sealed record RunningContainer(string Namespace, string Pod, string PodUid, string Container, string Image, ContainerHandle Handle);

/// <summary>A running container and its cgroup readings.</summary>
public sealed record ContainerReading(RunningContainer Container, ContainerStats Stats);

/// <summary>The node's cumulative busy CPU time, its memory working set, and its measured containers, read at one moment.</summary>
public sealed record NodeResourceReading(long NodeCpuNanoseconds, long NodeWorkingSetBytes, IReadOnlyList<ContainerReading> Containers);
