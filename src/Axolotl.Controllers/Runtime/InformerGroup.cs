using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Runtime;

/// <summary>
/// The informers one run of a controller reads. With the process's <see cref="SharedInformerFactory"/>
/// they are its shared informers (started by the factory's owner): the run waits for them to sync and,
/// however it ends, removes the handlers it registered, while the caches stay for the other consumers
/// and the next run. Without one (a controller on its own, as in tests) the run gets informers of its
/// own, started with it and stopped when it ends.
/// </summary>
public sealed class InformerGroup
{
    private readonly SharedInformerFactory _factory;
    private readonly bool _ownsFactory;
    private readonly List<Func<CancellationToken, Task>> _synced = [];
    private readonly List<IDisposable> _registrations = [];

    public InformerGroup(SharedInformerFactory? shared, KubeClient client, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _ownsFactory = shared is null;
        _factory = shared ?? new SharedInformerFactory(client, loggerFactory, time);
    }

    /// <summary>
    /// The informer of every <typeparamref name="T"/>, or of those the selectors name (a cache of its own,
    /// shared only with consumers asking for the same selection); the run waits for it to sync.
    /// </summary>
    public SharedInformer<T> For<T>(string? labelSelector = null, string? fieldSelector = null)
        where T : KubeObject => Track(_factory.For<T>(null, labelSelector, fieldSelector));

    /// <summary>
    /// The metadata view of every object of <paramref name="resource"/>: the typed informer where one
    /// exists (shared with the typed consumers), else a metadata-only one; the run waits for it to sync.
    /// </summary>
    public IMetadataInformer Metadata(ResourceType resource)
    {
        var informer = _factory.Metadata(resource);
        _synced.Add(informer.WaitForSyncAsync);
        return informer;
    }

    /// <summary>Registers <paramref name="handler"/> for this run only. It must not mutate what it is given: the objects are shared.</summary>
    public void AddEventHandler(IMetadataInformer informer, IResourceEventHandler<KubeObject> handler) =>
        _registrations.Add(informer.AddEventHandler(handler));

    /// <summary>Registers <paramref name="handler"/> for this run only. It must not mutate what it is given: the objects are shared.</summary>
    public void AddEventHandler<T>(SharedInformer<T> informer, IResourceEventHandler<T> handler)
        where T : KubeObject => _registrations.Add(informer.AddEventHandler(handler));

    /// <summary>Runs <paramref name="work"/> once every informer of the group has synced.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (_ownsFactory)
        {
            _factory.Start(stop.Token);
        }
        try
        {
            await Task.WhenAll(_synced.Select(synced => synced(ct)));
            await work(ct);
        }
        finally
        {
            foreach (var registration in _registrations)
            {
                registration.Dispose();
            }
            if (_ownsFactory)
            {
                await stop.CancelAsync();
                await _factory.WhenStoppedAsync();
            }
        }
    }

    private SharedInformer<T> Track<T>(SharedInformer<T> informer)
        where T : KubeObject
    {
        _synced.Add(informer.WaitForSyncAsync);
        return informer;
    }
}
