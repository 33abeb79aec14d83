using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.Client.Informers;

/// <summary>
/// An <see cref="IMetadataInformer"/> over a <see cref="SharedInformer{T}"/>: typed or metadata-only,
/// the handlers go straight to the shared informer (a handler of <see cref="KubeObject"/> is a handler of
/// every <typeparamref name="T"/>), so the view adds no cache and no watch of its own.
/// </summary>
public sealed class MetadataInformer<T>(SharedInformer<T> informer, ResourceType resource) : IMetadataInformer
    where T : KubeObject
{
    public ResourceType Resource { get; } = resource;

    /// <summary>The informer behind the view.</summary>
    public SharedInformer<T> Informer { get; } = informer;

    public bool HasSynced => Informer.HasSynced;

    public Task WaitForSyncAsync(CancellationToken ct) => Informer.WaitForSyncAsync(ct);

    public IDisposable AddEventHandler(IResourceEventHandler<KubeObject> handler) => Informer.AddEventHandler(handler);
}
