using Axolotl.Api.Meta;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>An <see cref="IObjectCache{T}"/> that also answers from its informer's indexes.</summary>
public interface IIndexedCache<T>
    where T : KubeObject
{
    /// <summary>The objects whose index <paramref name="indexName"/> holds <paramref name="value"/>.</summary>
    IReadOnlyList<T> ByIndex(string indexName, string value);
}
