using System.Globalization;

namespace Axolotl.Controllers.Endpoints;

/// <summary>
/// Remembers the resourceVersion of every object this controller wrote (or that it deleted) so a sync
/// can tell that the informer cache has not caught up yet, the job of upstream's EndpointSliceTracker.
/// Acting on such a cache would create a duplicate or overwrite with stale data; the sync retries
/// instead, and the watch event that brings the write re-queues the Service anyway. An expectation
/// that is not met within <see cref="Timeout"/> (someone else deleted the object meanwhile) is dropped.
/// </summary>
public sealed class WrittenVersions(TimeProvider time)
{
    private const long DeletedMarker = long.MaxValue;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string?, string), (long Version, long At, string? Owner)> _versions = [];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <param name="owner">Groups entries, e.g. the Service a slice belongs to, for <see cref="Pending"/>.</param>
    public void Written(string? ns, string name, string? resourceVersion, string? owner = null)
    {
        if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return;
        }
        lock (_lock)
        {
            _versions[(ns, name)] = (version, time.GetTimestamp(), owner);
        }
    }

    public void Deleted(string? ns, string name, string? owner = null)
    {
        lock (_lock)
        {
            _versions[(ns, name)] = (DeletedMarker, time.GetTimestamp(), owner);
        }
    }

    /// <summary>
    /// True when the cache lags what was written: an object written at a later version than cached (or
    /// written but not cached yet), or one deleted that the cache still holds. Caught-up entries are forgotten.
    /// </summary>
    public bool IsStale(string? ns, string name, string? cachedResourceVersion)
    {
        lock (_lock)
        {
            if (!_versions.TryGetValue((ns, name), out var entry))
            {
                return false;
            }
            if (time.GetElapsedTime(entry.At) > Timeout)
            {
                _versions.Remove((ns, name));
                return false;
            }
            var written = entry.Version;
            if (written == DeletedMarker)
            {
                if (cachedResourceVersion is null)
                {
                    _versions.Remove((ns, name));
                    return false;
                }
                return true;
            }
            if (cachedResourceVersion is null)
            {
                return true;
            }
            if (!long.TryParse(cachedResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var cached) || cached >= written)
            {
                _versions.Remove((ns, name));
                return false;
            }
            return true;
        }
    }

    /// <summary>Names in <paramref name="ns"/> written or deleted for <paramref name="owner"/> whose expectation is still open.</summary>
    public IReadOnlyList<string> Pending(string? ns, string owner)
    {
        lock (_lock)
        {
            return [.. _versions.Where(p => p.Key.Item1 == ns && p.Value.Owner == owner).Select(p => p.Key.Item2)];
        }
    }

    /// <summary>Forgets an entry (e.g. the object is gone for good with its Service).</summary>
    public void Forget(string? ns, string name)
    {
        lock (_lock)
        {
            _versions.Remove((ns, name));
        }
    }
}
