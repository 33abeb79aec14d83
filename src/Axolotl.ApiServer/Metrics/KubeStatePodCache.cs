using Axolotl.Storage;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// The rendered kube-state series of each pod, kept from one scrape to the next by the pod's store key
/// and modification revision (its resourceVersion): a scrape parses and formats only the pods written
/// since the last one. Each scrape keeps exactly the pods it read (from <see cref="KubeStateCache"/>), so a
/// deleted pod's text goes with the scrape that no longer sees it and memory stays that of the pods the last scrape wrote (at most
/// <see cref="KubeStateMetrics.MaxPods"/>). One scrape at a time uses it (the registry serialises them).
/// </summary>
internal sealed class KubeStatePodCache
{
    private Dictionary<string, (long Revision, RenderedPod Pod)> _pods = new(StringComparer.Ordinal);

    /// <summary>How many pods the last <see cref="Render"/> parsed (tests; the rest came from the cache).</summary>
    public int Parsed { get; private set; }

    public int Count => _pods.Count;

    public IReadOnlyList<RenderedPod> Render(IReadOnlyList<StoreEntry> pods)
    {
        var previous = _pods;
        var next = new Dictionary<string, (long Revision, RenderedPod Pod)>(pods.Count, StringComparer.Ordinal);
        var result = new List<RenderedPod>(pods.Count);
        var parsed = 0;
        foreach (var entry in pods)
        {
            if (!previous.TryGetValue(entry.Key, out var cached) || cached.Revision != entry.ModRevision)
            {
                cached = (entry.ModRevision, KubeStatePods.Render(KubeStatePod.Parse(entry.Value)));
                parsed++;
            }
            // A key listed twice (it cannot be, but a store is not trusted to this) is written once.
            if (next.TryAdd(entry.Key, cached))
            {
                result.Add(cached.Pod);
            }
        }
        _pods = next;
        Parsed = parsed;
        return result;
    }
}
