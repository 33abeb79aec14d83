using Axolotl.Cel.Costs;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>Kubernetes' lists library: isSorted, sum, min, max, indexOf, lastIndexOf.</summary>
internal static class ListFunctions
{
    public static void Register(Dictionary<string, CelFunction> m)
    {
        m["isSorted"] = (a, _) => a is [IReadOnlyList<object> l] ? IsSorted(l) : CelError.NoSuchOverload("isSorted");
        m["sum"] = (a, s) => a is [IReadOnlyList<object> l] ? Sum(l, s) : CelError.NoSuchOverload("sum");
        m["min"] = (a, _) => a is [IReadOnlyList<object> l] ? Extreme(l, "min", c => c < 0) : CelError.NoSuchOverload("min");
        m["max"] = (a, _) => a is [IReadOnlyList<object> l] ? Extreme(l, "max", c => c > 0) : CelError.NoSuchOverload("max");
    }

    internal static object IndexOf(object[] a, bool last)
    {
        if (a is not [IReadOnlyList<object> l, var item])
        {
            return CelError.NoSuchOverload(last ? "lastIndexOf" : "indexOf");
        }

        for (var k = 0; k < l.Count; k++)
        {
            var i = last ? l.Count - 1 - k : k;
            if (CelValues.Equal(l[i], item))
            {
                return (long)i;
            }
        }

        return -1L;
    }

    private static object IsSorted(IReadOnlyList<object> l)
    {
        for (var i = 1; i < l.Count; i++)
        {
            var c = CelValues.Compare(l[i - 1], l[i]);
            if (c is null)
            {
                return CelError.NoSuchOverload("isSorted");
            }

            if (c > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static object Sum(IReadOnlyList<object> l, EvalState s)
    {
        if (l.Count == 0)
        {
            return 0L;
        }

        object acc = l[0];
        for (var i = 1; i < l.Count; i++)
        {
            acc = Functions.Global("+")!([acc, l[i]], s);
            if (acc is CelError)
            {
                return acc;
            }
        }

        return acc is long or ulong or double or TimeSpan ? acc : CelError.NoSuchOverload("sum");
    }

    private static object Extreme(IReadOnlyList<object> l, string name, Func<int, bool> better)
    {
        if (l.Count == 0)
        {
            return new CelError($"{name} called on empty list");
        }

        var best = l[0];
        for (var i = 1; i < l.Count; i++)
        {
            var c = CelValues.Compare(l[i], best);
            if (c is null)
            {
                return CelError.NoSuchOverload(name);
            }

            if (better(c.Value))
            {
                best = l[i];
            }
        }

        return best;
    }
}
