namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>How much history each resource's watch cache keeps (upstream: 75 s of events, at least 100, at most 102,400).</summary>
public sealed record WatchCacheOptions
{
    /// <summary>False serves every watch from the store, as before the cache (kube-apiserver's --watch-cache=false).</summary>
    public bool Enabled { get; init; } = true;

    public int Capacity { get; init; } = 102_400;

    /// <summary>A bound on the serialised objects kept, so a burst of large objects cannot take the server's memory.</summary>
    public long MaxBytes { get; init; } = 128L * 1024 * 1024;

    public TimeSpan FreshFor { get; init; } = TimeSpan.FromSeconds(75);

    public int Minimum { get; init; } = 100;
}
