using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Watch.Cache;
using Axolotl.Storage.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>
/// A store that counts its lists, under an object store, and watch caches whose pod cache keeps its index by
/// spec.nodeName: what the tests of the index's readers (the node authorizer, a node's list of its pods) share.
/// </summary>
public abstract class PodIndexTestBase : IAsyncDisposable
{
    private static readonly WatchCacheViews Views = new(
        (_, obj) => obj,
        _ => ["spec.nodeName"],
        (obj, field) => field == "spec.nodeName" ? (string?)obj["spec"]?["nodeName"] : null);

    private readonly InMemoryStore _inner = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="storeSendsProgress">False: a store whose watches get no progress notifications (etcd's).</param>
    protected PodIndexTestBase(bool storeSendsProgress = true)
    {
        Store = new ListCountingStore(_inner) { SendsProgress = storeSendsProgress };
        Objects = new ObjectStore(Store);
    }

    internal ListCountingStore Store { get; }

    internal ObjectStore Objects { get; }

    /// <summary>A bare pod bound to <paramref name="node"/>, created through <see cref="Objects"/>.</summary>
    internal Task CreateBoundPodAsync(string ns, string name, string node) =>
        Objects.CreateAsync(Api.Scheme.KnownResources.Pods, System.Text.Json.Nodes.JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
             "spec":{"nodeName":"{{{node}}}","containers":[{"name":"c","image":"busybox"}]}}
            """)!.AsObject(), CancellationToken.None);

    /// <summary>Watch caches over <see cref="Store"/>, stopped when the test ends.</summary>
    internal WatchCaches NewCaches() => new(Store, new WatchCacheOptions(), Views, TimeProvider.System, NullLoggerFactory.Instance, _stopping.Token);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _stopping.Dispose();
        await _inner.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
