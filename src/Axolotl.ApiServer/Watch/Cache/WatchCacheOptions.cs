namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>How much history each resource's watch cache keeps (upstream: 75 s of events, at least 100, at most 102,400).</summary>
public sealed record WatchCacheOptions
{
    /// <summary>False serves every watch from the store, as before the cache (kube-apiserver's --watch-cache=false).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Resources (qualified: "events", "events.events.k8s.io") whose watches are served from the store, without a
    /// cache. kube-apiserver's default (<c>DefaultWatchCacheSizes</c>: size 0 for both Event views): Events are the
    /// most written and least watched resource, and each view's ring held every Event of its 75 s window
    /// (about 30 MB of serialised Events at 3,000 new pods, 90 MB at 10,000, with no watcher reading them).
    /// </summary>
    public IReadOnlySet<string> Uncached { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "events", "events.events.k8s.io" };

    public int Capacity { get; init; } = 102_400;

    /// <summary>A bound on the serialised objects kept, so a burst of large objects cannot take the server's memory.</summary>
    public long MaxBytes { get; init; } = 128L * 1024 * 1024;

    public TimeSpan FreshFor { get; init; } = TimeSpan.FromSeconds(75);

    public int Minimum { get; init; } = 100;

    /// <summary>
    /// How often the caches ask the store for progress (kube-apiserver's advice for etcd's progress notifications,
    /// 5 s), so that bookmarks of a quiet resource carry a revision its watchers can resume from after compaction.
    /// </summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a watch that allows bookmarks gets one (kube-apiserver: about once a minute; here twice).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);
}
