using Axolotl.Api.Resources;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// Arithmetic on resource lists (name → quantity) as upstream's quota helpers do it: sums keep the
/// format of the first non-zero operand, masks keep only named resources, and printing sorts by name.
/// </summary>
public static class ResourceLists
{
    public static Dictionary<string, Quantity> Add(IReadOnlyDictionary<string, Quantity> a, IReadOnlyDictionary<string, Quantity> b)
    {
        var result = new Dictionary<string, Quantity>(a, StringComparer.Ordinal);
        foreach (var (key, value) in b)
        {
            result[key] = result.TryGetValue(key, out var existing) ? existing + value : value;
        }
        return result;
    }

    /// <summary>a − b per resource of a, never below zero (what an update is charged).</summary>
    public static Dictionary<string, Quantity> SubtractNonNegative(IReadOnlyDictionary<string, Quantity> a, IReadOnlyDictionary<string, Quantity> b)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (key, value) in a)
        {
            var difference = b.TryGetValue(key, out var other) ? value - other : value;
            result[key] = difference.Sign < 0 ? Quantity.FromNanos(0, value.Format) : difference;
        }
        return result;
    }

    public static Dictionary<string, Quantity> Mask(IReadOnlyDictionary<string, Quantity> list, IEnumerable<string> names)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (list.TryGetValue(name, out var value))
            {
                result[name] = value;
            }
        }
        return result;
    }

    public static Dictionary<string, Quantity> RemoveZeros(IReadOnlyDictionary<string, Quantity> list) =>
        list.Where(e => !e.Value.IsZero).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    public static List<string> Negative(IReadOnlyDictionary<string, Quantity> list) =>
        list.Where(e => e.Value.Sign < 0).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether every resource of <paramref name="a"/> that <paramref name="b"/> limits is within it; the names over it, sorted.</summary>
    public static (bool Allowed, List<string> Exceeded) LessThanOrEqual(IReadOnlyDictionary<string, Quantity> a, IReadOnlyDictionary<string, Quantity> b)
    {
        var exceeded = new List<string>();
        foreach (var (key, value) in a)
        {
            if (b.TryGetValue(key, out var limit) && value > limit)
            {
                exceeded.Add(key);
            }
        }
        exceeded.Sort(StringComparer.Ordinal);
        return (exceeded.Count == 0, exceeded);
    }

    public static bool Equal(IReadOnlyDictionary<string, Quantity>? a, IReadOnlyDictionary<string, Quantity>? b)
    {
        a ??= new Dictionary<string, Quantity>();
        b ??= new Dictionary<string, Quantity>();
        return a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var other) && other == e.Value);
    }

    /// <summary>"pods=1,requests.cpu=500m": upstream's prettyPrint, sorted by name.</summary>
    public static string PrettyPrint(IReadOnlyDictionary<string, Quantity> list) =>
        string.Join(",", list.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));

    public static string PrettyPrintNames(IEnumerable<string> names) =>
        string.Join(",", names.Order(StringComparer.Ordinal));
}
