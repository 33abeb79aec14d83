namespace Axolotl.Agent.Probes;

/// <summary>
/// When probes run. Ticks sit on a fixed grid from the first one (start + n × period), so a slow probe
/// or a late timer never shifts the ones after it; a tick missed entirely (a probe longer than its
/// period) is skipped, not run late in a burst.
/// </summary>
internal static class ProbeSchedule
{
    /// <summary>The first grid tick strictly after <paramref name="now"/>, given the tick that was due.</summary>
    public static TimeSpan NextTick(TimeSpan due, TimeSpan now, TimeSpan period)
    {
        var next = due + period;
        if (next > now)
        {
            return next;
        }
        var missed = (now - next).Ticks / period.Ticks + 1;
        return next + TimeSpan.FromTicks(missed * period.Ticks);
    }

    /// <summary>
    /// Extra probes while a readiness or startup probe has not passed yet: 50 ms, doubling, staying
    /// below the period; they let a container that is up in 100 ms be Ready in about 100 ms rather
    /// than a whole period later. Null once the warm-up step would reach the period.
    /// </summary>
    public static TimeSpan? WarmUpDelay(int attempt, TimeSpan period)
    {
        if (attempt > 16)
        {
            return null;
        }
        var delay = TimeSpan.FromMilliseconds(50 * (1L << attempt));
        return delay < period ? delay : null;
    }
}
