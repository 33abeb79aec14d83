namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// The wake-ups of a watch cache's indexed readers, one per index value (a node's name) that some reader waits
/// on, as upstream's cacher hands a pod event only to the watchers of its old and new node. A value's signal
/// exists only while a reader waits on it: the values come from clients' field selectors, so a signal fired is
/// also forgotten. Not thread-safe: <see cref="WatchCache"/> holds its lock around every call.
/// </summary>
internal sealed class IndexedSignals
{
    private readonly Dictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>How many index values have a reader waiting.</summary>
    public int Count => _waiting.Count;

    /// <summary>Completes when <see cref="Signal"/> is called for <paramref name="value"/>, or <see cref="SignalAll"/>.</summary>
    public Task WaitFor(string value)
    {
        if (!_waiting.TryGetValue(value, out var signal))
        {
            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[value] = signal;
        }
        return signal.Task;
    }

    public void Signal(string? value)
    {
        if (value is not null && _waiting.Remove(value, out var signal))
        {
            signal.TrySetResult();
        }
    }

    public void SignalAll()
    {
        foreach (var signal in _waiting.Values)
        {
            signal.TrySetResult();
        }
        _waiting.Clear();
    }
}
