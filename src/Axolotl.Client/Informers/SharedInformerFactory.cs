using Axolotl.Api.Meta;
using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Informers;

/// <summary>
/// Hands out one informer per modelled kind so that controllers in the same process share watches and
/// caches. Informers requested after <see cref="Start"/> start at once.
/// </summary>
public sealed class SharedInformerFactory(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Type, object> _informers = [];
    private readonly List<Func<CancellationToken, Task>> _runners = [];
    private readonly List<Func<bool>> _synced = [];
    private readonly List<Func<CancellationToken, Task>> _syncWaiters = [];
    private readonly List<Task> _running = [];
    private CancellationToken? _started;

    public SharedInformer<T> For<T>()
        where T : KubeObject
    {
        lock (_lock)
        {
            if (_informers.TryGetValue(typeof(T), out var existing))
            {
                return (SharedInformer<T>)existing;
            }
            var informer = new SharedInformer<T>(client.Resource<T>(), time, loggerFactory.CreateLogger($"Axolotl.Informer.{typeof(T).Name}"));
            _informers[typeof(T)] = informer;
            _runners.Add(informer.RunAsync);
            _synced.Add(() => informer.HasSynced);
            _syncWaiters.Add(informer.WaitForSyncAsync);
            if (_started is { } ct)
            {
                _running.Add(Task.Run(() => informer.RunAsync(ct), CancellationToken.None));
            }
            return informer;
        }
    }

    /// <summary>Starts every informer created so far (and later ones as they are created) until <paramref name="ct"/> fires.</summary>
    public void Start(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_started is not null)
            {
                return;
            }
            _started = ct;
            foreach (var run in _runners)
            {
                _running.Add(Task.Run(() => run(ct), CancellationToken.None));
            }
        }
    }

    public bool HasSynced
    {
        get
        {
            lock (_lock)
            {
                return _synced.All(s => s());
            }
        }
    }

    /// <summary>Waits until every informer has delivered its first list.</summary>
    public async Task WaitForCacheSyncAsync(CancellationToken ct)
    {
        List<Task> waits;
        lock (_lock)
        {
            waits = _syncWaiters.Select(wait => wait(ct)).ToList();
        }
        await Task.WhenAll(waits);
    }

    /// <summary>Completes when every started informer has stopped.</summary>
    public Task WhenStoppedAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll(_running);
        }
    }
}
