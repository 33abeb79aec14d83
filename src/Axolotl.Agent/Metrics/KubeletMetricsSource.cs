using Axolotl.Agent.Pods;
using Axolotl.Agent.Runtime;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// What the kubelet's metrics endpoints read at scrape time: the node's name, the pods this agent runs
/// with their live container handles, and the runtime that reads each container's cgroup usage (the
/// same <see cref="IContainerRuntime.StatsAsync"/> the eviction manager ranks pods with).
/// </summary>
public sealed class KubeletMetricsSource(string nodeName, Func<IEnumerable<PodWorker>> workers, IContainerRuntime runtime, string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup")
{
    public string NodeName => nodeName;

    public IContainerRuntime Runtime => runtime;

    public string ProcRoot => procRoot;

    public string CgroupRoot => cgroupRoot;

    /// <summary>Each running container once: its pod's identity, the spec's image, and its handle.</summary>
    public IReadOnlyList<RunningContainer> Running()
    {
        var result = new List<RunningContainer>();
        foreach (var worker in workers().ToList())
        {
            if (worker.Finished)
            {
                continue;
            }
            var pod = worker.Latest;
            var images = (pod.Spec?.AllContainers() ?? []).Where(c => c.Name is not null).DistinctBy(c => c.Name)
                .ToDictionary(c => c.Name!, c => c.Image ?? "", StringComparer.Ordinal);
            KeyValuePair<string, ContainerHandle>[] live;
            try
            {
                live = [.. worker.Live];
            }
            catch (InvalidOperationException)
            {
                // The worker's lane changed the map mid-copy: this pod's containers appear in the next scrape.
                continue;
            }
            foreach (var (name, handle) in live)
            {
                result.Add(new RunningContainer(pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "", worker.Uid, name, images.GetValueOrDefault(name, ""), handle));
            }
        }
        return result;
    }

    /// <summary>Pods this agent runs now (not yet terminated).</summary>
    public int RunningPods() => workers().Count(w => !w.Finished && w.Live.Count > 0);
}

/// <summary>One container this node runs now.</summary>
public sealed record RunningContainer(string Namespace, string Pod, string PodUid, string Container, string Image, ContainerHandle Handle);
