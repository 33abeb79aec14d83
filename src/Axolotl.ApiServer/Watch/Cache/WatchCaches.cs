using System.Collections.Concurrent;
using Axolotl.Api.Scheme;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// The server's watch caches, one per served resource, each started by the first watch of its resource
/// and kept until the server stops. A cache that cannot start (the store is down) is not kept: that
/// watch is served from the store, and the next one tries again.
/// </summary>
public sealed class WatchCaches(IStore store, WatchCacheOptions options, WatchCacheViews views, TimeProvider clock, ILoggerFactory logging, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<WatchCache>>> _caches = new(StringComparer.Ordinal);
    private readonly ILogger _log = logging.CreateLogger("Axolotl.ApiServer.WatchCache");

    public WatchCacheOptions Options => options;

    /// <summary>How many resources have a cache (tests and metrics).</summary>
    public int Count => _caches.Count;

    /// <summary>
    /// Starts the cache of every watchable resource, one after another, in the background (kube-apiserver
    /// builds its cachers at start too). A cache covers the revisions after its first list; a client that
    /// listed before the cache began is served from the store until it watches anew. Starting at the
    /// server's start puts that list before any client's.
    /// </summary>
    public void StartAll(IEnumerable<ResourceType> types)
    {
        if (!options.Enabled)
        {
            return;
        }
        var watchable = types.Where(t => t.Verbs.Contains("watch") && !options.Uncached.Contains(t.QualifiedResource)).ToList();
        _ = RequestProgressAsync();
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var type in watchable)
                {
                    await ForAsync(type, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The server stopped while the caches were starting.
            }
        }, CancellationToken.None);
    }

    /// <summary>Asks the store for progress every <see cref="WatchCacheOptions.ProgressInterval"/> while caches follow it.</summary>
    private async Task RequestProgressAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(options.ProgressInterval, clock);
            while (await timer.WaitForNextTickAsync(stopping))
            {
                if (_caches.IsEmpty)
                {
                    continue;
                }
                try
                {
                    await store.RequestProgressAsync(stopping);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The store is down or closing: the caches' own watches say so; try again at the next tick.
                    if (_log.IsEnabled(LogLevel.Debug))
                    {
                        _log.LogDebug("watch caches: asking the store for progress failed ({Message})", e.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The cache of <paramref name="type"/>, started on first use; null when its watches are served from the store.</summary>
    /// <summary>The resource's cache if it has started and follows the store; null otherwise (nothing is started or awaited).</summary>
    internal WatchCache? Started(ResourceType type) =>
        _caches.TryGetValue($"{type.ApiVersion}/{type.Plural}", out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully
        && entry.Value.Result is { Stopped: false } cache ? cache : null;

    internal async Task<WatchCache?> ForAsync(ResourceType type, CancellationToken ct)
    {
        if (!options.Enabled || options.Uncached.Contains(type.QualifiedResource))
        {
            return null;
        }
        var key = $"{type.ApiVersion}/{type.Plural}";
        var entry = _caches.GetOrAdd(key, _ => new Lazy<Task<WatchCache>>(() => WatchCache.StartAsync(type, store, options, views, clock, _log, stopping)));
        try
        {
            var cache = await entry.Value.WaitAsync(ct);
            if (!cache.Stopped)
            {
                return cache;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _log.LogWarning("watch cache of {Resource} could not start ({Message}); serving this watch from the store", type.QualifiedResource, e.Message);
        }
        _caches.TryRemove(new KeyValuePair<string, Lazy<Task<WatchCache>>>(key, entry));
        return null;
    }
}
