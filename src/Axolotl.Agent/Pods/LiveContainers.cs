using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Axolotl.Runtime;

namespace Axolotl.Agent.Pods;

/// <summary>
/// The pod's running containers. Only the pod's lane changes the table; each change publishes a new
/// immutable copy, which is all other threads (exec, logs follow, log rotation, port-forward, metrics,
/// eviction) ever read: no lock, no half-made change seen, and the lane reads its own table as before.
/// </summary>
internal sealed class LiveContainers
{
    private static readonly LiveSnapshot Empty = new(
        ImmutableDictionary.Create<string, ContainerHandle>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, int>(StringComparer.Ordinal));

    private readonly Dictionary<string, ContainerHandle> _table = new(StringComparer.Ordinal);
    private LiveSnapshot _published = Empty;

    /// <summary>The latest published copy; safe on any thread.</summary>
    public LiveSnapshot Published => Volatile.Read(ref _published);

    public int Count => _table.Count;

    public IReadOnlyCollection<string> Names => _table.Keys;

    public bool TryGetValue(string name, [MaybeNullWhen(false)] out ContainerHandle handle) => _table.TryGetValue(name, out handle);

    public bool ContainsKey(string name) => _table.ContainsKey(name);

    public ContainerHandle? GetValueOrDefault(string name) => _table.GetValueOrDefault(name);

    /// <summary>A copy of the table for the lane to walk while it changes the table.</summary>
    public List<KeyValuePair<string, ContainerHandle>> ToList() => [.. _table];

    public Dictionary<string, ContainerHandle>.Enumerator GetEnumerator() => _table.GetEnumerator();

    /// <summary>The container runs as <paramref name="handle"/>, its <paramref name="restartCount"/>th restart.</summary>
    public void Set(string name, ContainerHandle handle, int restartCount)
    {
        _table[name] = handle;
        var published = _published;
        Volatile.Write(ref _published, new LiveSnapshot(published.Handles.SetItem(name, handle), published.RestartCounts.SetItem(name, restartCount)));
    }

    public void Remove(string name)
    {
        if (_table.Remove(name))
        {
            var published = _published;
            Volatile.Write(ref _published, new LiveSnapshot(published.Handles.Remove(name), published.RestartCounts.Remove(name)));
        }
    }
}

/// <summary>One published state of a pod's running containers: their handles and restart counts.</summary>
public sealed record LiveSnapshot(ImmutableDictionary<string, ContainerHandle> Handles, ImmutableDictionary<string, int> RestartCounts)
{
    /// <summary>
    /// Whether <paramref name="handle"/> is not the container's first instance, or no longer its
    /// running one (port-forward waits for such a container to settle).
    /// </summary>
    public bool Restarted(string name, ContainerHandle handle) =>
        !Handles.TryGetValue(name, out var running) || running.Id != handle.Id || RestartCounts.GetValueOrDefault(name) > 0;
}
