using System.Globalization;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>
/// Timestamps (RFC 3339, years 1–9999) and durations (Go syntax such as "1h30m"), with the spec's accessors. We hold
/// them as DateTimeOffset/TimeSpan, so precision is 100 ns rather than CEL's 1 ns.
/// </summary>
internal static class TimeFunctions
{
    private static readonly DateTimeOffset MinTimestamp = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MaxTimestamp = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(TimeSpan.TicksPerSecond - 1);
    private static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(315_576_000_000);

    public static void Register(Dictionary<string, CelFunction> m)
    {
        Accessor(m, "getFullYear", t => t.Year);
        Accessor(m, "getMonth", t => t.Month - 1);
        Accessor(m, "getDate", t => t.Day);
        Accessor(m, "getDayOfMonth", t => t.Day - 1);
        Accessor(m, "getDayOfWeek", t => (int)t.DayOfWeek);
        Accessor(m, "getDayOfYear", t => t.DayOfYear - 1);
        Accessor(m, "getHours", t => t.Hour, d => (long)d.TotalHours);
        Accessor(m, "getMinutes", t => t.Minute, d => (long)d.TotalMinutes);
        Accessor(m, "getSeconds", t => t.Second, d => (long)d.TotalSeconds);
        Accessor(m, "getMilliseconds", t => t.Millisecond, d => (long)d.TotalMilliseconds);
    }

    private static void Accessor(Dictionary<string, CelFunction> m, string name, Func<DateTimeOffset, int> ts, Func<TimeSpan, long>? dur = null) =>
        m[name] = (a, _) => a switch
        {
            [DateTimeOffset t] => (long)ts(t),
            [DateTimeOffset t, string tz] => InZone(t, tz) is { } local ? (long)ts(local) : new CelError($"unknown time zone: {tz}"),
            [TimeSpan d] when dur is not null => dur(d),
            _ => CelError.NoSuchOverload(name),
        };

    private static DateTimeOffset? InZone(DateTimeOffset t, string tz)
    {
        var sign = tz.Length > 0 && tz[0] is '+' or '-' ? 1 : 0;
        if (TimeSpan.TryParseExact(tz[sign..], @"hh\:mm", CultureInfo.InvariantCulture, out var off))
        {
            return t.ToOffset(tz[0] == '-' ? -off : off);
        }

        try
        {
            return TimeZoneInfo.ConvertTime(t, TimeZoneInfo.FindSystemTimeZoneById(tz));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    public static object CheckTimestamp(DateTimeOffset t) => t < MinTimestamp || t > MaxTimestamp ? new CelError("timestamp out of range") : t;

    public static object CheckDuration(TimeSpan d) => d > MaxDuration || d < -MaxDuration ? new CelError("duration out of range") : d;

    public static object ParseTimestamp(string s)
    {
        // Trim nanoseconds past what DateTimeOffset holds; the layout is otherwise RFC 3339's.
        var text = System.Text.RegularExpressions.Regex.Replace(s, @"(\.\d{7})\d+", "$1");
        return DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t)
            && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-')
            ? t.ToUniversalTime()
            : new CelError($"timestamp parse error: {s}");
    }

    public static object ParseDuration(string s)
    {
        var p = 0;
        var negative = false;
        if (p < s.Length && s[p] is '+' or '-')
        {
            negative = s[p] == '-';
            p++;
        }

        if (s[p..] == "0")
        {
            return TimeSpan.Zero;
        }

        decimal ticks = 0;
        if (p >= s.Length)
        {
            return new CelError($"invalid duration: {s}");
        }

        while (p < s.Length)
        {
            var start = p;
            while (p < s.Length && (char.IsAsciiDigit(s[p]) || s[p] == '.'))
            {
                p++;
            }

            if (!decimal.TryParse(s[start..p], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                return new CelError($"invalid duration: {s}");
            }

            var unitStart = p;
            while (p < s.Length && !char.IsAsciiDigit(s[p]) && s[p] != '.')
            {
                p++;
            }

            decimal? scale = s[unitStart..p] switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" or "µs" => 10,
                "ns" => 0.01m,
                _ => null,
            };
            if (scale is null)
            {
                return new CelError($"invalid duration: {s}");
            }

            ticks += n * scale.Value;
            if (ticks > MaxDuration.Ticks)
            {
                return new CelError("duration out of range");
            }
        }

        return TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
    }
}
