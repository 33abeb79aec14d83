using System.Globalization;
using System.Text;

namespace Axolotl.Api.Meta;

/// <summary>
/// Go's time.Duration as text: <see cref="TryParse"/> is time.ParseDuration ("1h30m", "90s", "1.5h",
/// "500ms"), <see cref="Format"/> is Duration.String ("10s", "2m40s", "5m0s", "500ms"), so flags,
/// schedules and messages read as the kubelet's and kube-apiserver's do.
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>time.ParseDuration; <paramref name="reason"/> is Go's error text when it fails.</summary>
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
            return false;
        }
        duration = TimeSpan.FromTicks((long)(negative ? -total : total));
        return true;
    }

    /// <summary>time.ParseDuration; throws <see cref="FormatException"/> with Go's error text.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration, out var reason) ? duration : throw new FormatException(reason);

    /// <summary>
    /// A Go duration, or a bare decimal number taken as seconds ("10" is "10s"): how Axolotl's own duration
    /// flags and variables have always read.
    /// </summary>
    public static bool TryParseOrSeconds(string text, out TimeSpan duration)
    {
        if (TryParse(text, out duration, out _))
        {
            return true;
        }
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds < TimeSpan.MaxValue.TotalSeconds)
        {
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }
        return false;
    }

    /// <summary>Duration.String: "0s", "1.5s", "1m20s", "1h0m0s", "500ms".</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = duration < TimeSpan.Zero ? "-" : "";
        var d = duration.Duration();
        if (d < TimeSpan.FromSeconds(1))
        {
            var ms = d.TotalMilliseconds;
            return ms >= 1
                ? sign + Trim(ms) + "ms"
                : sign + Trim(d.Ticks / 10.0) + "µs";
        }

        var sb = new StringBuilder(sign);
        var hours = (long)d.TotalHours;
        if (hours > 0)
        {
            sb.Append(hours).Append('h');
        }

        if (hours > 0 || d.Minutes > 0)
        {
            sb.Append(d.Minutes).Append('m');
        }

        var seconds = d.Seconds + (d.Ticks % TimeSpan.TicksPerSecond / (double)TimeSpan.TicksPerSecond);
        sb.Append(Trim(seconds)).Append('s');
        return sb.ToString();
    }

    private static string Trim(double value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
