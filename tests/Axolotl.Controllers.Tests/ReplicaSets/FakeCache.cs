using Axolotl.Api.Meta;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.Tests.ReplicaSets;

/// <summary>An informer cache the test fills by hand, so that it can be exactly as stale as a step needs.</summary>
internal sealed class FakeCache<T> : IObjectCache<T>
    where T : KubeObject
{
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);

    public T? Get(string? ns, string name) => _items.GetValueOrDefault($"{ns}/{name}");

    public IReadOnlyList<T> List(string? ns) =>
        _items.Values.Where(o => ns is null || o.Metadata.Namespace == ns).OrderBy(o => o.Metadata.Name, StringComparer.Ordinal).ToList();

    public void Put(T obj) => _items[$"{obj.Metadata.Namespace}/{obj.Metadata.Name}"] = obj;

    /// <summary>Replaces the whole cache with <paramref name="items"/> (a relist).</summary>
    public void Replace(IEnumerable<T> items)
    {
        _items.Clear();
        foreach (var item in items)
        {
            Put(item);
        }
    }
}
