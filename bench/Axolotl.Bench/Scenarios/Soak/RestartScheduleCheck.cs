namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>What the check found for one crash-looping pod.</summary>
internal sealed record PodSchedule(string Pod, int Restarts, int GapsBefore, int GapsAfter, int Early, int LateOutsideOutage, string? FirstProblem, string Gaps)
{
    public bool Held => Early == 0 && LateOutsideOutage == 0;
}

/// <summary>
/// Whether each crash-looping pod kept the kubelet's back-off across the server's SIGKILL and restart.
/// The gap before instance k (its start − the previous instance's exit) must be 0 for k = 1 and
/// min(10 s × 2^(k−2), 300 s) after that (nothing here runs 10 minutes, so the curve never resets).
/// A gap shorter than that by more than <see cref="Tolerance"/> means the back-off dropped back (the
/// failure the check is for); a longer one is late, which the outage excuses when the restart fell
/// due while the server (and its node agent) was down or within <see cref="CatchUp"/> after it came back.
/// </summary>
internal static class RestartScheduleCheck
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(300);

    /// <summary>The API's timestamps are whole seconds (RFC 3339): a gap can read up to a second short.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1.5);

    /// <summary>How late a restart may start on a loaded 2-core machine and still count as on time.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    /// <summary>How long after the server is back a restart that fell due during the outage may take.</summary>
    public static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(15);

    public static TimeSpan Expected(int index) =>
        index <= 1 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(Initial.Ticks << Math.Min(index - 2, 20), Max.Ticks));

    public static PodSchedule Check(string pod, IReadOnlyList<ContainerInstance> instances, ServerOutage outage)
    {
        var byIndex = instances.ToDictionary(i => i.Index);
        int before = 0, after = 0, early = 0, late = 0;
        string? problem = null;
        var gaps = new List<string>();
        foreach (var instance in instances.Where(i => i.Index >= 1))
        {
            if (!byIndex.TryGetValue(instance.Index - 1, out var previous) || previous.FinishedAt is not { } exited)
            {
                continue;
            }
            var gap = instance.StartedAt - exited;
            var expected = Expected(instance.Index);
            var due = exited + expected;
            var isAfter = outage.Happened && instance.StartedAt >= outage.KilledAtUtc;
            // "k:gap/expected" per restart; "kill" where the server was killed (a "|" would split the markdown cell).
            if (isAfter && after == 0)
            {
                gaps.Add("kill");
            }
            gaps.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{instance.Index}:{gap.TotalSeconds:F0}/{expected.TotalSeconds:F0}"));
            if (isAfter)
            {
                after++;
            }
            else
            {
                before++;
            }
            if (gap < expected - Tolerance)
            {
                early++;
                problem ??= $"restart {instance.Index} after {gap.TotalSeconds:F1} s, back-off {expected.TotalSeconds:F0} s";
            }
            else if (gap > expected + Slack && !ExcusedByOutage(due, instance.StartedAt, outage))
            {
                late++;
                problem ??= $"restart {instance.Index} after {gap.TotalSeconds:F1} s, back-off {expected.TotalSeconds:F0} s";
            }
        }
        var restarts = instances.Count == 0 ? 0 : instances.Max(i => i.Index);
        return new PodSchedule(pod, restarts, before, after, early, late, problem, string.Join(' ', gaps));
    }

    /// <summary>
    /// Restarts that started within <paramref name="window"/> after the server was back: how many had fallen
    /// due while it was down (those may start together), and how many started before they were due (a lockstep
    /// burst: a back-off forgotten by the restarted agent). The rest fell due in the window and started on time:
    /// the crash loopers' phases sit close together, so a 10 s window may hold several of them.
    /// </summary>
    public static (int Restarts, int DueDuringOutage, int Early) AfterComingBack(IReadOnlyDictionary<string, IReadOnlyList<ContainerInstance>> pods, ServerOutage outage, TimeSpan window)
    {
        int restarts = 0, due = 0, early = 0;
        foreach (var instances in pods.Values)
        {
            var byIndex = instances.ToDictionary(i => i.Index);
            foreach (var instance in instances.Where(i => i.Index >= 1 && i.StartedAt >= outage.BackAtUtc - Tolerance && i.StartedAt <= outage.BackAtUtc + window))
            {
                restarts++;
                if (!byIndex.TryGetValue(instance.Index - 1, out var previous) || previous.FinishedAt is not { } exited)
                {
                    continue;
                }
                var dueAt = exited + Expected(instance.Index);
                if (dueAt <= outage.BackAtUtc + Tolerance)
                {
                    due++;
                }
                else if (instance.StartedAt < dueAt - Tolerance)
                {
                    early++;
                }
            }
        }
        return (restarts, due, early);
    }

    private static bool ExcusedByOutage(DateTimeOffset due, DateTimeOffset started, ServerOutage outage) =>
        outage.Happened && due <= outage.BackAtUtc + Slack && started <= outage.BackAtUtc + CatchUp && due >= outage.KilledAtUtc - Slack;
}
