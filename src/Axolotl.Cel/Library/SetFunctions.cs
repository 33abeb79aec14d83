using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>
/// cel-go's sets extension (Kubernetes since 1.29): <c>sets.contains(list, sublist)</c>, <c>sets.equivalent(a, b)</c>
/// and <c>sets.intersects(a, b)</c>, with CEL equality (1 == 1.0) and lists read as sets (order and repeats ignored).
/// </summary>
internal static class SetFunctions
{
    public static void Register(Dictionary<string, CelFunction> g)
    {
        g["sets.contains"] = (a, _) => a is [IReadOnlyList<object> list, IReadOnlyList<object> sub] ? Contains(list, sub) : CelError.NoSuchOverload("sets.contains");
        g["sets.equivalent"] = (a, _) => a is [IReadOnlyList<object> x, IReadOnlyList<object> y]
            ? Contains(x, y) && Contains(y, x)
            : CelError.NoSuchOverload("sets.equivalent");
        g["sets.intersects"] = (a, _) => a is [IReadOnlyList<object> x, IReadOnlyList<object> y]
            ? x.Any(item => Has(y, item))
            : CelError.NoSuchOverload("sets.intersects");
    }

    private static bool Contains(IReadOnlyList<object> list, IReadOnlyList<object> sub) => sub.All(item => Has(list, item));

    private static bool Has(IReadOnlyList<object> list, object item) => list.Any(x => CelValues.Equal(x, item));
}
