using Axolotl.Api.Meta;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Client.Informers;

/// <summary>
/// Keeps a local, indexed copy of one resource type and tells handlers what changed: it lists, then
/// watches from the list's resourceVersion (bookmarks advance it), re-watches when the server ends a
/// watch, relists when the revision is too old (410 / ERROR event) and then reports the difference as
/// synthetic adds, updates and deletes, and backs off (TimeProvider-driven) on network errors.
/// Objects in <see cref="Lister"/> and passed to handlers are shared: never mutate them.
/// </summary>
public sealed class SharedInformer<T>
    where T : KubeObject
{
    private readonly ResourceClient<T> _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<T, T>? _transform;
    private readonly Lock _dispatchLock = new();
    private readonly List<IResourceEventHandler<T>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    /// <param name="transform">Applied to every object before it is cached, e.g. to drop fields no consumer reads.</param>
    public SharedInformer(ResourceClient<T> client, TimeProvider time, ILogger? logger = null, SharedInformerOptions? options = null, Func<T, T>? transform = null)
    {
        _client = client;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _transform = transform;
        Options = options ?? new SharedInformerOptions();
    }

    public SharedInformerOptions Options { get; }

    public Lister<T> Lister { get; } = new();

    /// <summary>True once the first list is in the cache and its adds have been delivered.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The revision the cache reflects: the last list's, event's or bookmark's resourceVersion.</summary>
    public string? LastSyncResourceVersion { get; private set; }

    private string ResourceName => _client.Resource.QualifiedResource;

    /// <summary>
    /// Registers a handler. Objects already cached are replayed to it as adds first. Dispose the result
    /// to unregister.
    /// </summary>
    public IDisposable AddEventHandler(IResourceEventHandler<T> handler)
    {
        lock (_dispatchLock)
        {
            _handlers.Add(handler);
            foreach (var item in Lister.List())
            {
                Invoke(() => handler.OnAdd(item));
            }
        }
        return new Registration(this, handler);
    }

    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    /// <summary>Runs list-and-watch until <paramref name="ct"/> fires. Call once.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"the {ResourceName} informer is already running");
        }
        var backoff = new ExponentialBackoff(Options.InitialBackoff, Options.MaxBackoff);
        var needList = true;
        var expiredWithoutProgress = false;
        var failures = new InformerFailures(_logger, ResourceName);
        while (!ct.IsCancellationRequested)
        {
            var operation = needList ? "list" : "watch";
            try
            {
                if (needList)
                {
                    await ListAndReplaceAsync(ct);
                    failures.Succeeded();
                    needList = false;
                    backoff.Reset();
                }
                var started = _time.GetTimestamp();
                var events = await WatchOnceAsync(ct);
                expiredWithoutProgress = false;
                if (events > 0)
                {
                    failures.Succeeded();
                    backoff.Reset();
                }
                else if (_time.GetElapsedTime(started) < Options.MinWatchDuration)
                {
                    // A server that closes every watch at once would otherwise be hammered.
                    throw new WatchEndedEarlyException();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (WatchExpiredException e)
            {
                InformerLog.Relisting(_logger, ResourceName, LastSyncResourceVersion, e.Message);
                needList = true;
                if (expiredWithoutProgress && !e.MadeProgress && !await WaitAsync(backoff.Next(), ct))
                {
                    break;
                }
                expiredWithoutProgress = !e.MadeProgress;
            }
            catch (Exception e)
            {
                var delay = backoff.Next();
                failures.Failed(e, operation, delay);
                if (!await WaitAsync(delay, ct))
                {
                    break;
                }
            }
        }
    }

    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, _time, ct);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task ListAndReplaceAsync(CancellationToken ct)
    {
        var options = new ListOptions { Limit = Options.PageSize, LabelSelector = Options.LabelSelector, FieldSelector = Options.FieldSelector };
        KubeList<T> list;
        try
        {
            list = await _client.ListAllAsync(Options.Namespace, options, ct);
        }
        catch (KubeApiException e) when (e.IsGone)
        {
            // A continue token expired between pages: take everything in one answer instead.
            list = await _client.ListAsync(Options.Namespace, options with { Limit = null }, ct);
        }
        Replace(list.Items.Select(Prepare).ToList(), list.ResourceVersion);
        InformerLog.Listed(_logger, ResourceName, list.Items.Count, list.ResourceVersion);
        _synced.TrySetResult();
    }

    private async Task<int> WatchOnceAsync(CancellationToken ct)
    {
        var options = new ListOptions
        {
            ResourceVersion = LastSyncResourceVersion ?? "",
            AllowWatchBookmarks = true,
            // As client-go's reflector: between the timeout and twice it, so the informers of one process
            // do not all re-watch (and, after a compaction, relist) at the same moment.
            TimeoutSeconds = (int)(Options.WatchTimeout.TotalSeconds * (1 + Options.Jitter())),
            LabelSelector = Options.LabelSelector,
            FieldSelector = Options.FieldSelector,
        };
        var count = 0;
        try
        {
            await foreach (var e in _client.WatchAsync(Options.Namespace, options, ct))
            {
                switch (e.Type)
                {
                    case WatchEventType.Added:
                    case WatchEventType.Modified:
                        Apply(Prepare(e.Object!), deleted: false);
                        break;
                    case WatchEventType.Deleted:
                        Apply(Prepare(e.Object!), deleted: true);
                        break;
                    case WatchEventType.Bookmark:
                        LastSyncResourceVersion = e.Object?.Metadata.ResourceVersion ?? LastSyncResourceVersion;
                        break;
                    case WatchEventType.Error:
                        throw new WatchExpiredException(e.Status?.Message ?? "watch error", count > 0);
                }
                count++;
            }
        }
        catch (KubeApiException e) when (e.IsGone)
        {
            throw new WatchExpiredException(e.Message, count > 0);
        }
        InformerLog.WatchEnded(_logger, ResourceName, LastSyncResourceVersion, count);
        return count;
    }

    private T Prepare(T item) => _transform is null ? item : _transform(item);

    /// <summary>Replaces the cache with a fresh list and reports the difference.</summary>
    private void Replace(IReadOnlyList<T> items, string? resourceVersion)
    {
        lock (_dispatchLock)
        {
            var old = Lister.Snapshot();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var changes = new List<Change>();
            foreach (var item in items)
            {
                var key = CacheIndexes.Key(item);
                seen.Add(key);
                var previous = Lister.Upsert(item);
                if (previous is null)
                {
                    changes.Add(new Change(null, item));
                }
                else if (previous.Metadata.Uid != item.Metadata.Uid)
                {
                    // Same name, new object: the old one was deleted while we were not watching.
                    changes.Add(new Change(previous, null));
                    changes.Add(new Change(null, item));
                }
                else if (previous.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
                {
                    changes.Add(new Change(previous, item));
                }
            }
            foreach (var (key, item) in old)
            {
                if (!seen.Contains(key))
                {
                    Lister.Remove(key);
                    changes.Add(new Change(item, null));
                }
            }
            LastSyncResourceVersion = resourceVersion;
            Dispatch(changes);
        }
    }

    private void Apply(T item, bool deleted)
    {
        lock (_dispatchLock)
        {
            var key = CacheIndexes.Key(item);
            if (deleted)
            {
                var previous = Lister.Remove(key);
                if (previous is not null)
                {
                    Dispatch([new Change(previous, null)]);
                }
            }
            else
            {
                var previous = Lister.Upsert(item);
                if (previous is not null && previous.Metadata.Uid != item.Metadata.Uid)
                {
                    Dispatch([new Change(previous, null), new Change(null, item)]);
                }
                else
                {
                    Dispatch([new Change(previous, item)]);
                }
            }
            LastSyncResourceVersion = item.Metadata.ResourceVersion ?? LastSyncResourceVersion;
        }
    }

    private void Dispatch(List<Change> changes)
    {
        foreach (var change in changes)
        {
            foreach (var handler in _handlers)
            {
                switch (change)
                {
                    case (null, { } added):
                        Invoke(() => handler.OnAdd(added));
                        break;
                    case ({ } before, { } after):
                        Invoke(() => handler.OnUpdate(before, after));
                        break;
                    case ({ } removed, null):
                        Invoke(() => handler.OnDelete(removed));
                        break;
                }
            }
        }
    }

    private void Invoke(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            // One broken handler must not stop the others or the informer.
            InformerLog.HandlerFailed(_logger, e, ResourceName);
        }
    }

    private void RemoveHandler(IResourceEventHandler<T> handler)
    {
        lock (_dispatchLock)
        {
            _handlers.Remove(handler);
        }
    }

    private readonly record struct Change(T? Old, T? New);

    private sealed class Registration(SharedInformer<T> informer, IResourceEventHandler<T> handler) : IDisposable
    {
        public void Dispose() => informer.RemoveHandler(handler);
    }

    private sealed class WatchExpiredException(string message, bool madeProgress) : Exception(message)
    {
        public bool MadeProgress { get; } = madeProgress;
    }
}
