using Axolotl.Api.Meta;

namespace Axolotl.Client.Informers;

/// <summary>
/// Receives an informer's changes, in order, on the informer's thread. Handlers must be quick and must
/// not block (enqueue a key and return) and must not mutate the objects they are given.
/// </summary>
public interface IResourceEventHandler<in T>
    where T : KubeObject
{
    void OnAdd(T obj);

    void OnUpdate(T oldObj, T newObj);

    /// <summary>The last state the informer knew; after a relist this may be older than the real final state.</summary>
    void OnDelete(T obj);
}

/// <summary>An <see cref="IResourceEventHandler{T}"/> built from delegates; missing ones ignore the change.</summary>
public sealed class ResourceEventHandler<T>(Action<T>? onAdd = null, Action<T, T>? onUpdate = null, Action<T>? onDelete = null)
    : IResourceEventHandler<T>
    where T : KubeObject
{
    public void OnAdd(T obj) => onAdd?.Invoke(obj);

    public void OnUpdate(T oldObj, T newObj) => onUpdate?.Invoke(oldObj, newObj);

    public void OnDelete(T obj) => onDelete?.Invoke(obj);
}
