using System.Globalization;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Upstream's duration.HumanDuration: about two significant figures ("45s", "2m3s", "10m", "3h12m", "2d3h", "45d",
/// "2y"). kubectl users compare these strings with real clusters, so the thresholds follow upstream exactly.
/// </summary>
public static class HumanDuration
{
    public static string Format(TimeSpan d)
    {
        // Go converts the float seconds with truncation toward zero; a one-second clock skew still reads "0s".
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = d.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
        {
            var s = d.Ticks / TimeSpan.TicksPerSecond % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }
        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = d.Ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }
        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{h}h");
        }
        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24}d");
        }
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Invariant($"{hours / 24 / 365}y") : Invariant($"{hours / 24 / 365}y{dy}d");
        }
        return Invariant($"{hours / 24 / 365}y");
    }

    /// <summary>The AGE cell: the time since <paramref name="timestamp"/>, or "&lt;unknown&gt;" without one.</summary>
    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now) =>
        timestamp is { } t ? Format(now - t) : "<unknown>";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
