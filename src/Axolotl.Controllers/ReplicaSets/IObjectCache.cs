using Axolotl.Api.Meta;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// The read side of an informer cache, as reconcilers see it. The objects are shared with the cache
/// and with other workers: never mutate them; copy first (<c>DeepCopy</c>) and write the copy.
/// </summary>
public interface IObjectCache<T>
    where T : KubeObject
{
    T? Get(string? ns, string name);

    /// <summary>Every object in <paramref name="ns"/>, or in all namespaces when null.</summary>
    IReadOnlyList<T> List(string? ns);
}
