using System.Globalization;
using System.Text;

namespace Axolotl.Cel.Values;

/// <summary>How <c>string()</c> renders timestamps (RFC 3339, trailing zeros trimmed) and durations (seconds, "1.5s").</summary>
internal static class TimeFormat
{
    public static string FormatTimestamp(DateTimeOffset t)
    {
        var u = t.ToUniversalTime();
        var frac = u.Ticks % TimeSpan.TicksPerSecond;
        var text = u.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return frac == 0 ? text + "Z" : text + "." + (frac * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
    }

    public static string FormatDuration(TimeSpan d)
    {
        var sb = new StringBuilder();
        var seconds = d.Ticks / TimeSpan.TicksPerSecond;
        var frac = Math.Abs(d.Ticks % TimeSpan.TicksPerSecond);
        if (d.Ticks < 0 && seconds == 0)
        {
            sb.Append('-');
        }

        sb.Append(seconds.ToString(CultureInfo.InvariantCulture));
        if (frac != 0)
        {
            sb.Append('.').Append((frac * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0'));
        }

        return sb.Append('s').ToString();
    }
}
