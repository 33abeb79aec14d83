using System.Globalization;
using System.Text;

namespace Axolotl.Agent.Restart;

/// <summary>Formats a duration the way Go's time.Duration.String does ("10s", "2m40s", "5m0s", "500ms"), as kubelet messages show it.</summary>
public static class GoDuration
{
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
