using System.Net;
using System.Text;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Costs;

/// <summary>
/// How big a runtime value is for the cost of a call: cel-go's actualSize (a string's code points, the bytes of bytes,
/// the items of a list, the entries of a map; Kubernetes' IP its address bytes and CIDR its prefix bytes; 1 for
/// anything else) and the Kubernetes list library's traversalCost.
/// </summary>
internal static class ValueSizes
{
    /// <summary>cel-go's StringTraversalCostFactor: the cost of reading one character.</summary>
    public const double StringTraversal = 0.1;

    /// <summary>cel-go's RegexStringLengthCostFactor: the cost of one pattern character applied to one input character.</summary>
    public const double RegexPerCharacter = 0.25;

    public static long Actual(object value) => value switch
    {
        string s => s.EnumerateRunes().Count(),
        CelBytes b => b.Data.Length,
        IReadOnlyList<object> l => l.Count,
        CelMap m => m.Count,
        IPAddress ip => ip.GetAddressBytes().Length,
        CelCidr c => (long)Math.Ceiling(c.PrefixLength / 8.0),
        _ => 1,
    };

    /// <summary>
    /// The list library's traversalCost (isSorted, sum, min, max, indexOf, lastIndexOf): a string or bytes 0.1 per
    /// UTF-8 byte rounded down, a list or map the sum over its items (keys and values), anything else 1.
    /// </summary>
    public static long Traversal(object value)
    {
        switch (value)
        {
            case string s:
                return (long)(Encoding.UTF8.GetByteCount(s) * StringTraversal);
            case CelBytes b:
                return (long)(b.Data.Length * StringTraversal);
            case IReadOnlyList<object> l:
                var sum = 0L;
                foreach (var item in l)
                {
                    sum = Saturating.Add(sum, Traversal(item));
                }
                return sum;
            case CelMap m:
                var total = 0L;
                foreach (var (k, v) in m.Entries)
                {
                    total = Saturating.Add(total, Saturating.Add(Traversal(k), Traversal(v)));
                }
                return total;
            default:
                return 1;
        }
    }

    /// <summary>math.Ceil(size * factor) as a cost, from Go's float64 arithmetic.</summary>
    public static long Ceil(double scaled) => scaled >= long.MaxValue ? long.MaxValue : (long)Math.Ceiling(scaled);
}
