using System.Reflection;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Informers;

/// <summary>
/// Hands out one informer per kind (and per selection: namespace, label and field selector) so that
/// every consumer in a process shares one watch and one cache of it, as client-go's
/// SharedInformerFactory. The owner asks for what its consumers read, calls <see cref="Start"/> once
/// with the process's lifetime, and each consumer waits for the informers it reads to sync; informers
/// requested after <see cref="Start"/> start at once. Consumers unregister their handlers when they
/// stop; the informers run until the owner's token fires. Consumers that read only metadata (the
/// garbage collector) ask for <see cref="Metadata"/>: the typed informer where the resource has a typed
/// model, so a kind is watched once per process however its consumers read it.
/// </summary>
public sealed class SharedInformerFactory(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerOptions? defaults = null)
{
    private static readonly MethodInfo TypedMetadataMethod =
        typeof(SharedInformerFactory).GetMethod(nameof(TypedMetadata), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private readonly SharedInformerOptions _defaults = defaults ?? new SharedInformerOptions();
    private readonly Lock _lock = new();
    private readonly Dictionary<InformerKey, object> _informers = [];
    private readonly Dictionary<string, IMetadataInformer> _metadata = new(StringComparer.Ordinal);
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
        var key = new InformerKey(Id(KnownResources.ForType<T>()), typeof(T), ns, labelSelector, fieldSelector);
        lock (_lock)
        {
            if (_informers.TryGetValue(key, out var existing))
            {
                return (SharedInformer<T>)existing;
            }
            var options = _defaults with { Namespace = ns, LabelSelector = labelSelector, FieldSelector = fieldSelector };
            return AddLocked(key, new SharedInformer<T>(client.Resource<T>(), time, loggerFactory.CreateLogger($"Axolotl.Informer.{typeof(T).Name}"), options,
                options.KeepManagedFields ? null : StripManagedFields));
        }
    }

    /// <summary>
    /// The metadata view of every object of <paramref name="resource"/>: backed by the typed informer
    /// (<see cref="For{T}()"/>) when the resource has a typed model, so that it shares that watch and cache;
    /// otherwise by one metadata-only informer of the resource, shared by every consumer asking for it.
    /// </summary>
    public IMetadataInformer Metadata(ResourceType resource)
    {
        var id = Id(resource);
        lock (_lock)
        {
            if (_metadata.TryGetValue(id, out var existing))
            {
                return existing;
            }
        }
        // For<T> takes the lock itself; asking twice for one kind yields the same informer, so a race
        // between two callers here only builds two equal views of it.
        var view = HasTypedModel(resource)
            ? (IMetadataInformer)TypedMetadataMethod.MakeGenericMethod(resource.ClrType).Invoke(this, [resource])!
            : MetadataOnly(resource, id);
        lock (_lock)
        {
            return _metadata.TryAdd(id, view) ? view : _metadata[id];
        }
    }

    /// <summary>How many informers (watches) of <paramref name="resource"/> the factory holds, over every selection and view.</summary>
    public int CountOf(ResourceType resource)
    {
        var id = Id(resource);
        lock (_lock)
        {
            return _informers.Keys.Count(k => k.Resource == id);
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

    private MetadataInformer<T> TypedMetadata<T>(ResourceType resource)
        where T : KubeObject => new(For<T>(), resource);

    private MetadataInformer<Unstructured> MetadataOnly(ResourceType resource, string id)
    {
        var key = new InformerKey(id, typeof(Unstructured), null, null, null);
        lock (_lock)
        {
            var informer = _informers.TryGetValue(key, out var existing)
                ? (SharedInformer<Unstructured>)existing
                : AddLocked(key, new SharedInformer<Unstructured>(client.Resource<Unstructured>(resource), time,
                    loggerFactory.CreateLogger($"Axolotl.Informer.Metadata.{resource.QualifiedResource}"), _defaults, DropAllButMetadata));
            return new MetadataInformer<Unstructured>(informer, resource);
        }
    }

    private SharedInformer<T> AddLocked<T>(InformerKey key, SharedInformer<T> informer)
        where T : KubeObject
    {
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

    /// <summary>
    /// A typed model exists when the resource's CLR type is a concrete object type whose typed client
    /// addresses this very resource (not, say, another version of it).
    /// </summary>
    private static bool HasTypedModel(ResourceType resource) =>
        typeof(KubeObject).IsAssignableFrom(resource.ClrType) && !resource.ClrType.IsAbstract && resource.ClrType != typeof(Unstructured)
        && KnownResources.FindByPlural(resource.Group, resource.Version, resource.Plural) is { } known && known.ClrType == resource.ClrType
        && Id(KnownResources.ForType(resource.ClrType)) == Id(resource);

    private static T StripManagedFields<T>(T obj)
        where T : KubeObject
    {
        obj.Metadata.ManagedFields = null;
        return obj;
    }

    /// <summary>The metadata-only cache keeps identity, owners and deletion state; spec, status and managedFields go.</summary>
    private static Unstructured DropAllButMetadata(Unstructured obj)
    {
        obj.ExtensionData = null;
        obj.Metadata.ManagedFields = null;
        return obj;
    }

    private static string Id(ResourceType resource) => $"{resource.ApiVersion}/{resource.Plural}";

    /// <summary>One informer: a resource, the type its objects are read as, and a selection.</summary>
    private readonly record struct InformerKey(string Resource, Type Type, string? Namespace, string? LabelSelector, string? FieldSelector);
}
