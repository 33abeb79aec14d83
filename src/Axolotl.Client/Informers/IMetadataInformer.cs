using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.Client.Informers;

/// <summary>
/// What a consumer that reads only identity, owners and deletion state (the garbage collector) needs of
/// one resource's informer: its objects as <see cref="KubeObject"/>, whose <see cref="KubeObject.Metadata"/>
/// is always there. Behind it is either the process's typed informer of that resource (the objects are
/// then typed and complete) or a metadata-only informer (spec, status and managedFields dropped);
/// either way the cache is shared with every other consumer, so never mutate what a handler is given.
/// Kind and apiVersion may be missing on listed objects: <see cref="Resource"/> names them.
/// </summary>
public interface IMetadataInformer
{
    ResourceType Resource { get; }

    /// <summary>True once the first list is in the cache and its adds have been delivered.</summary>
    bool HasSynced { get; }

    Task WaitForSyncAsync(CancellationToken ct);

    /// <summary>Registers a handler; objects already cached are replayed to it as adds first. Dispose the result to unregister.</summary>
    IDisposable AddEventHandler(IResourceEventHandler<KubeObject> handler);
}
