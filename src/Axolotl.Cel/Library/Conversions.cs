using System.Globalization;
using System.Text;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>Type conversions (spec "Type Conversions"): int, uint, double, string, bytes, bool, type, dyn, timestamp, duration.</summary>
internal static class Conversions
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static void Register(Dictionary<string, CelFunction> g)
    {
        g["int"] = (a, _) => One(a, "int", ToInt);
        g["uint"] = (a, _) => One(a, "uint", ToUint);
        g["double"] = (a, _) => One(a, "double", ToDouble);
        g["string"] = (a, _) => One(a, "string", ToStringValue);
        g["bytes"] = (a, _) => One(a, "bytes", v => v switch
        {
            CelBytes b => b,
            string s => new CelBytes(Encoding.UTF8.GetBytes(s)),
            _ => CelError.NoSuchOverload("bytes"),
        });
        g["bool"] = (a, _) => One(a, "bool", v => v switch
        {
            bool b => b,
            string s => s switch
            {
                "1" or "t" or "true" or "TRUE" or "True" => true,
                "0" or "f" or "false" or "FALSE" or "False" => false,
                _ => new CelError($"type conversion error from 'string' to 'bool'"),
            },
            _ => CelError.NoSuchOverload("bool"),
        });
        g["type"] = (a, _) => One(a, "type", v => CelValues.TypeOf(v));
        g["dyn"] = (a, _) => One(a, "dyn", v => v);
        g["timestamp"] = (a, _) => One(a, "timestamp", v => v switch
        {
            DateTimeOffset t => t,
            string s => TimeFunctions.ParseTimestamp(s),
            long l when l is >= -62135596800 and <= 253402300799 => DateTimeOffset.FromUnixTimeSeconds(l),
            long => new CelError("timestamp out of range"),
            _ => CelError.NoSuchOverload("timestamp"),
        });
        g["duration"] = (a, _) => One(a, "duration", v => v switch
        {
            TimeSpan d => d,
            string s => TimeFunctions.ParseDuration(s),
            _ => CelError.NoSuchOverload("duration"),
        });
    }

    private static object One(object[] a, string name, Func<object, object> f) => a.Length == 1 ? f(a[0]) : CelError.NoSuchOverload(name);

    private static object ToInt(object v)
    {
        switch (v)
        {
            case long l: return l;
            case ulong u: return u <= long.MaxValue ? (long)u : Range("int");
            case double d:
                return double.IsNaN(d) || d <= -9.2233720368547758E18 || d >= 9.2233720368547758E18 ? Range("int") : (long)d;
            case string s:
                return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var r) ? r : new CelError($"cannot convert '{s}' to int");
            case DateTimeOffset t: return t.ToUnixTimeSeconds();
            default: return CelError.NoSuchOverload("int");
        }
    }

    private static object ToUint(object v)
    {
        switch (v)
        {
            case ulong u: return u;
            case long l: return l >= 0 ? (ulong)l : Range("uint");
            case double d: return double.IsNaN(d) || d < 0 || d >= 1.8446744073709552E19 ? Range("uint") : (ulong)d;
            case string s:
                return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : new CelError($"cannot convert '{s}' to uint");
            default: return CelError.NoSuchOverload("uint");
        }
    }

    private static object ToDouble(object v)
    {
        switch (v)
        {
            case double d: return d;
            case long l: return (double)l;
            case ulong u: return (double)u;
            case string s:
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var r))
                {
                    return r;
                }

                return s.ToLowerInvariant() switch
                {
                    "inf" or "+inf" or "infinity" => double.PositiveInfinity,
                    "-inf" or "-infinity" => double.NegativeInfinity,
                    "nan" => double.NaN,
                    _ => new CelError($"cannot convert '{s}' to double"),
                };
            default: return CelError.NoSuchOverload("double");
        }
    }

    private static object ToStringValue(object v)
    {
        switch (v)
        {
            case string s: return s;
            case long or ulong or double or bool or DateTimeOffset or TimeSpan or System.Net.IPAddress or CelCidr: return CelValues.Format(v);
            case CelBytes b:
                try
                {
                    return StrictUtf8.GetString(b.Data);
                }
                catch (DecoderFallbackException)
                {
                    return new CelError("invalid UTF-8 in bytes, cannot convert to string");
                }

            default: return CelError.NoSuchOverload("string");
        }
    }

    private static CelError Range(string type) => new($"{type} conversion: value out of range");
}
