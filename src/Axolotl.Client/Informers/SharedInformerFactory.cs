using Axolotl.Api.Meta;
using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Informers;

/// <summary>
/// Hands out one informer per kind (and per selection: namespace, label and field selector) so that
/// every consumer in a process shares one watch and one cache of it, as client-go's
/// SharedInformerFactory. The owner asks for what its consumers read, calls <see cref="Start"/> once
/// with the process's lifetime, and each consumer waits for the informers it reads to sync; informers
/// requested after <see cref="Start"/> start at once. Consumers unregister their handlers when they
/// stop; the informers run until the owner's token fires.
/// </summary>
public sealed class SharedInformerFactory(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerOptions? defaults = null)
{
    private readonly SharedInformerOptions _defaults = defaults ?? new SharedInformerOptions();
    private readonly Lock _lock = new();
    private readonly Dictionary<InformerKey, object> _informers = [];
    private readonly List<Func<CancellationToken, Task>> _runners = [];
    private readonly List<Func<bool>> _synced = [];
    private readonly List<Func<CancellationToken, Task>> _syncWaiters = [];
    private readonly List<Task> _running = [];
    private CancellationToken? _started;

    /// <summary>The informer of every <typeparamref name="T"/> in the cluster.</summary>
    public SharedInformer<T> For<T>()
        where T : KubeObject => For<T>(null, null, null);

    /// <summary>
    /// The informer of the <typeparamref name="T"/> objects a selection names (null: all); the backoff and
    /// watch timings are the factory's.
    /// </summary>
    public SharedInformer<T> For<T>(string? ns, string? labelSelector, string? fieldSelector)
        where T : KubeObject
    {
        var key = new InformerKey(typeof(T), ns, labelSelector, fieldSelector);
        lock (_lock)
        {
            if (_informers.TryGetValue(key, out var existing))
            {
                return (SharedInformer<T>)existing;
            }
            var options = _defaults with { Namespace = ns, LabelSelector = labelSelector, FieldSelector = fieldSelector };
            var informer = new SharedInformer<T>(client.Resource<T>(), time, loggerFactory.CreateLogger($"Axolotl.Informer.{typeof(T).Name}"), options);
            _informers[key] = informer;
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

    /// <summary>How many informers (watches) the factory holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _informers.Count;
            }
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

    private readonly record struct InformerKey(Type Type, string? Namespace, string? LabelSelector, string? FieldSelector);
}
