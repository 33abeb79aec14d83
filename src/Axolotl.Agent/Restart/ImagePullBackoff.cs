namespace Axolotl.Agent.Restart;

/// <summary>
/// The kubelet's image pull back-off (10 s doubling to 300 s): after a failed pull the next attempt
/// waits out the delay, during which the container shows ImagePullBackOff; each further failure
/// doubles it. Keyed by a caller-chosen string; the kubelet uses pod UID + image so one bad pod does
/// not delay another. A success, or ResetAfter without failures, starts over.
/// </summary>
public sealed class ImagePullBackoff
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    public ImagePullBackoff(RestartBackoffOptions options, TimeProvider time)
    {
        Options = options.Validate();
        _time = time;
    }

    public RestartBackoffOptions Options { get; }

    public static string Key(string podUid, string image) => podUid + "_" + image;

    /// <summary>True while a pull must not be attempted yet; then the container's reason is ImagePullBackOff.</summary>
    public bool IsInBackoff(string key, out TimeSpan remaining)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && !Expired(entry, now))
            {
                var left = entry.LastFailure + entry.Backoff - now;
                if (left > TimeSpan.Zero)
                {
                    remaining = left;
                    return true;
                }
            }
        }

        remaining = TimeSpan.Zero;
        return false;
    }

    /// <summary>
    /// What the last failed pull of <paramref name="key"/> said ("ErrImagePull: rpc error: …"), while its back-off
    /// is remembered: the kubelet (1.32) adds it to ImagePullBackOff's message.
    /// </summary>
    public string? LastError(string key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.Error : null;
        }
    }

    /// <summary>Records a failed pull (ErrImagePull) with what it said and returns the back-off now in force.</summary>
    public TimeSpan RecordFailure(string key, string? error = null)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry) || Expired(entry, now))
            {
                entry = new Entry { Backoff = Options.Initial };
            }
            else
            {
                var doubled = entry.Backoff * 2;
                entry.Backoff = doubled < Options.Max ? doubled : Options.Max;
            }

            entry.LastFailure = now;
            entry.Error = error;
            _entries[key] = entry;
            return entry.Backoff;
        }
    }

    /// <summary>A pull succeeded: forget the failures.</summary>
    public void RecordSuccess(string key)
    {
        lock (_lock)
        {
            _entries.Remove(key);
        }
    }

    private bool Expired(Entry entry, DateTimeOffset now) => now - entry.LastFailure > Options.ResetAfter;

    private sealed class Entry
    {
        public TimeSpan Backoff { get; set; }

        public DateTimeOffset LastFailure { get; set; }

        public string? Error { get; set; }
    }
}
