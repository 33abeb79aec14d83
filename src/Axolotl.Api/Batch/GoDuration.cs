using System.Globalization;

namespace Axolotl.Api.Batch;

/// <summary>Go's time.ParseDuration ("1h30m", "90s", "1.5h"), for <c>@every</c> schedules.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string text, out TimeSpan duration, out string reason)
    {
        duration = TimeSpan.Zero;
        reason = $"time: invalid duration \"{text}\"";
        var s = text;
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            return false;
        }
        double total = 0;
        while (s.Length > 0)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == 0 || !double.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            s = s[i..];
            var j = 0;
            while (j < s.Length && !char.IsAsciiDigit(s[j]) && s[j] != '.')
            {
                j++;
            }
            if (j == 0)
            {
                reason = $"time: missing unit in duration \"{text}\"";
                return false;
            }
            var unit = s[..j];
            var match = Units.FirstOrDefault(u => u.Unit == unit);
            if (match.Unit is null)
            {
                reason = $"time: unknown unit \"{unit}\" in duration \"{text}\"";
                return false;
            }
            total += number * match.Ticks;
            s = s[j..];
        }
        if (total > TimeSpan.MaxValue.Ticks)
        {
            reason = $"time: invalid duration \"{text}\"";
            return false;
        }
        duration = TimeSpan.FromTicks((long)(negative ? -total : total));
        return true;
    }
}
