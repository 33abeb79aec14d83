using Axolotl.Api.Meta;
using Axolotl.Client.Informers;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>An <see cref="IObjectCache{T}"/> over a running informer's <see cref="Lister{T}"/>.</summary>
public sealed class ListerCache<T>(Lister<T> lister) : IObjectCache<T>, IIndexedCache<T>
    where T : KubeObject
{
    public IReadOnlyList<T> ByIndex(string indexName, string value) => lister.ByIndex(indexName, value);

    public T? Get(string? ns, string name) => lister.Get(ns, name);

    public IReadOnlyList<T> List(string? ns) => lister.List(ns);
}
