using System.Globalization;
using System.Text;

namespace Axolotl.Cel.Values;

/// <summary>
/// The runtime value model: int = long, uint = ulong, double, string, bool, <see cref="CelBytes"/>, <see cref="CelNull"/>,
/// list = <see cref="IReadOnlyList{T}"/> of object, <see cref="CelMap"/>, timestamp = <see cref="DateTimeOffset"/>,
/// duration = <see cref="TimeSpan"/>, <see cref="CelType"/>, <see cref="CelOptional"/>. Equality and ordering follow
/// the spec: numbers compare across int/uint/double, values of different kinds are unequal rather than an error.
/// </summary>
public static class CelValues
{
    public static CelType TypeOf(object v) => v switch
    {
        long => CelType.Int,
        ulong => CelType.Uint,
        double => CelType.Double,
        string => CelType.String,
        bool => CelType.Bool,
        CelBytes => CelType.Bytes,
        CelNull => CelType.Null,
        IReadOnlyList<object> => CelType.List,
        CelMap => CelType.Map,
        CelLazyObject => new CelType("object"),
        DateTimeOffset => CelType.Timestamp,
        TimeSpan => CelType.Duration,
        CelType => CelType.Type,
        CelOptional => CelType.Optional,
        CelQuantity => CelType.Quantity,
        Uri => CelType.Url,
        System.Net.IPAddress => CelType.Ip,
        CelCidr => CelType.Cidr,
        CelNamedFormat => CelType.NamedFormat,
        _ => new CelType(v.GetType().Name),
    };

    public static bool IsNumber(object v) => v is long or ulong or double;

    public static bool Equal(object a, object b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return CompareNumbers(a, b) == 0;
        }

        switch (a)
        {
            case IReadOnlyList<object> la when b is IReadOnlyList<object> lb:
                if (la.Count != lb.Count)
                {
                    return false;
                }

                for (var i = 0; i < la.Count; i++)
                {
                    if (!Equal(la[i], lb[i]))
                    {
                        return false;
                    }
                }

                return true;
            case CelMap ma when b is CelMap mb:
                if (ma.Count != mb.Count)
                {
                    return false;
                }

                foreach (var (k, v) in ma.Entries)
                {
                    if (!mb.TryGetValue(k, out var other) || !Equal(v, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return a.GetType() == b.GetType() && a.Equals(b);
        }
    }

    /// <summary>Orders two values; null when the pair has no ordering (an error), NaN compares as unordered (false).</summary>
    public static int? Compare(object a, object b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return CompareNumbers(a, b);
        }

        return (a, b) switch
        {
            (string x, string y) => Math.Sign(CompareCodePoints(x, y)),
            (bool x, bool y) => x.CompareTo(y),
            (CelBytes x, CelBytes y) => Math.Sign(x.CompareTo(y)),
            (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
            (TimeSpan x, TimeSpan y) => x.CompareTo(y),
            _ => null,
        };
    }

    /// <summary>Exact comparison across int, uint and double; returns int.MinValue when NaN makes the pair unordered.</summary>
    internal static int CompareNumbers(object a, object b)
    {
        switch (a, b)
        {
            case (long x, long y): return x.CompareTo(y);
            case (ulong x, ulong y): return x.CompareTo(y);
            case (long x, ulong y): return x < 0 ? -1 : ((ulong)x).CompareTo(y);
            case (ulong x, long y): return y < 0 ? 1 : x.CompareTo((ulong)y);
        }

        var da = ToDouble(a);
        var db = ToDouble(b);
        if (double.IsNaN(da) || double.IsNaN(db))
        {
            return int.MinValue;
        }

        // Doubles compare with integers exactly: fall back to the integer when the double is integral and in range.
        if (a is double && b is long lb && da >= -9.2233720368547758E18 && da < 9.2233720368547758E18 && Math.Floor(da) == da)
        {
            return ((long)da).CompareTo(lb);
        }

        if (b is double && a is long la && db >= -9.2233720368547758E18 && db < 9.2233720368547758E18 && Math.Floor(db) == db)
        {
            return la.CompareTo((long)db);
        }

        return da.CompareTo(db);
    }

    internal static double ToDouble(object n) => n switch
    {
        long l => l,
        ulong u => u,
        double d => d,
        _ => double.NaN,
    };

    /// <summary>Strings order by code point, not by UTF-16 unit.</summary>
    internal static int CompareCodePoints(string x, string y)
    {
        var ex = x.EnumerateRunes();
        var ey = y.EnumerateRunes();
        while (true)
        {
            var hx = ex.MoveNext();
            var hy = ey.MoveNext();
            if (!hx || !hy)
            {
                return hx ? 1 : hy ? -1 : 0;
            }

            var c = ex.Current.Value.CompareTo(ey.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    /// <summary>A readable rendering for error messages and <c>string()</c> of simple values.</summary>
    public static string Format(object? v) => v switch
    {
        null => "<none>",
        string s => s,
        System.Net.IPAddress ip => ip.ToString(),
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        CelBytes b => Encoding.UTF8.GetString(b.Data),
        CelNull => "null",
        DateTimeOffset t => TimeFormat.FormatTimestamp(t),
        TimeSpan d => TimeFormat.FormatDuration(d),
        IReadOnlyList<object> l => "[" + string.Join(", ", l.Select(Format)) + "]",
        CelMap m => "{" + string.Join(", ", m.Entries.Select(e => Format(e.Key) + ": " + Format(e.Value))) + "}",
        _ => v.ToString() ?? "",
    };

    /// <summary>cel-go's <c>string(double)</c>, which is Go's <c>%g</c>: <c>1e+06</c>, <c>0.0001</c>, <c>1e-05</c>, <c>+Inf</c>.</summary>
    internal static string FormatDouble(double d) => GoNumbers.General(d);
}
