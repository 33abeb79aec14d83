using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// The Pods, Deployments and Nodes a kube-state scrape reads, kept in step with the store by one
/// <see cref="StoreReflector"/> per kind (list, watch, relist when the watch falls behind or fails), so a
/// scrape copies memory instead of listing the store. Each watch covers the whole store (other kinds'
/// changes only advance its revision) so that <see cref="ReadAsync"/> can wait until every kind has seen
/// each write made before the scrape began: a scrape answers what a list at that moment would. The first
/// scrape starts it, so a server nobody scrapes for kube-state metrics keeps no copy.
/// </summary>
internal sealed class KubeStateCache(IStore store, TimeProvider clock, ILogger logger)
{
    private readonly Followed _pods = new(KnownResources.Pods);
    private readonly Followed _deployments = new(KnownResources.Deployments);
    private readonly Followed _nodes = new(KnownResources.Nodes);
    private int _started;

    /// <summary>Follows the store until <paramref name="stopping"/> fires; later calls do nothing.</summary>
    public void Start(CancellationToken stopping)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }
        foreach (var kind in (Followed[])[_pods, _deployments, _nodes])
        {
            var reflector = new StoreReflector(store, $"kube-state metrics ({kind.Resource.Plural})", kind.Replace, kind.Apply, clock, logger)
            {
                ListPrefix = kind.Prefix,
                WatchPrefix = "/",
            };
            _ = Task.Run(() => reflector.RunAsync(stopping), CancellationToken.None);
        }
    }

    /// <summary>Every kind's objects in key order (the store's list order), once each has seen the store up to <paramref name="revision"/>.</summary>
    public async Task<(IReadOnlyList<StoreEntry> Pods, IReadOnlyList<StoreEntry> Deployments, IReadOnlyList<StoreEntry> Nodes)> ReadAsync(long revision, CancellationToken ct) =>
        (await _pods.ReadAsync(revision, ct), await _deployments.ReadAsync(revision, ct), await _nodes.ReadAsync(revision, ct));

    /// <summary>One kind's objects by store key and the store revision they reflect.</summary>
    private sealed class Followed(ResourceType resource)
    {
        private readonly Lock _lock = new();
        private readonly SortedDictionary<string, StoreEntry> _entries = new(StringComparer.Ordinal);
        private long _revision = -1;
        private TaskCompletionSource? _advanced;

        public ResourceType Resource { get; } = resource;

        public string Prefix { get; } = ObjectStore.Prefix(resource, null);

        public void Replace(StoreListResult list)
        {
            lock (_lock)
            {
                _entries.Clear();
                foreach (var entry in list.Items)
                {
                    _entries[entry.Key] = entry;
                }
                AdvanceLocked(list.Revision);
            }
        }

        public void Apply(StoreEvent change)
        {
            lock (_lock)
            {
                if (change.Entry.Key.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    if (change.Type == StoreEventType.Deleted)
                    {
                        _entries.Remove(change.Entry.Key);
                    }
                    else
                    {
                        _entries[change.Entry.Key] = change.Entry;
                    }
                }
                AdvanceLocked(change.Entry.ModRevision);
            }
        }

        public async Task<IReadOnlyList<StoreEntry>> ReadAsync(long revision, CancellationToken ct)
        {
            while (true)
            {
                Task advanced;
                lock (_lock)
                {
                    if (_revision >= revision && _revision >= 0)
                    {
                        return [.. _entries.Values];
                    }
                    _advanced ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    advanced = _advanced.Task;
                }
                await advanced.WaitAsync(ct);
            }
        }

        private void AdvanceLocked(long revision)
        {
            _revision = Math.Max(_revision, revision);
            // Only a waiting scrape needs telling; most changes find nobody waiting.
            _advanced?.TrySetResult();
            _advanced = null;
        }
    }
}
