using System.Diagnostics;
using System.Globalization;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// Puts the soak's findings into its <see cref="ScenarioReport"/>: the samples as a table, the growth
/// fit of each series over the last half with its verdict (targets for the three: database,
/// RSS, fds), the restart schedule per pod, and the failed requests by client and by server state.
/// </summary>
internal static class SoakReportWriter
{
    /// <summary>The series whose levelling off the "done when" names.</summary>
    private static readonly string[] Judged = ["RSS", "open fds", "state.db"];

    public static void AddSamples(ScenarioReport report, IReadOnlyList<ResourceSample> samples)
    {
        report.Tables.Add(new ReportTable("Samples (API figures are blank while the server was down)",
            ["min", "PID", "RSS MB", "anon MB", "GC heap MB", "GC committed MB", "native MB", "GC pause ms", "fds", "threads", "CPU cores", "db MB", "WAL MB", "events", "crash restarts", "other restarts", "failed up", "failed down"],
            [.. samples.Select(s => (IReadOnlyList<string>)
            [
                F(s.Minutes, "F1"), s.Pid.ToString(CultureInfo.InvariantCulture), F(s.RssMegabytes, "F1"), F(s.AnonymousMegabytes, "F1"), F(s.HeapMegabytes, "F1"), F(s.GcCommittedMegabytes, "F1"), F(s.AnonymousMegabytes - s.GcCommittedMegabytes, "F1"), F(s.GcPauseMilliseconds, "F0"), F(s.OpenFds, "F0"),
                F(s.Threads, "F0"), F(s.CpuCores, "F2"), F(s.DatabaseMegabytes, "F2"), F(s.WalMegabytes, "F2"), F(s.Events, "F0"),
                F(s.CrashLoopRestarts, "F0"), F(s.OtherRestarts, "F0"), s.FailedWhileUp.ToString(CultureInfo.InvariantCulture), s.FailedWhileDown.ToString(CultureInfo.InvariantCulture),
            ])]));
    }

    /// <summary>Fits every series over the samples taken from <paramref name="fromMinutes"/> on; returns how many judged series grew.</summary>
    public static int AddGrowth(ScenarioReport report, IReadOnlyList<ResourceSample> samples, double fromMinutes, double halfMinutes)
    {
        var rows = new List<IReadOnlyList<string>>();
        var growing = 0;
        foreach (var series in ResourceSeries.All)
        {
            var valid = samples.Where(s => !double.IsNaN(series.Read(s))).ToList();
            var start = valid.Count > 0 ? series.Read(valid[0]) : double.NaN;
            var end = valid.Count > 0 ? series.Read(valid[^1]) : double.NaN;
            var fit = GrowthFit.Fit([.. samples.Where(s => s.Minutes >= fromMinutes).Select(s => (s.Minutes, series.Read(s)))], halfMinutes, series.Floor);
            var verdict = fit is null ? "too few samples" : series.NotALeak is not null ? "n/a: " + series.NotALeak : fit.LevelledOff ? "yes" : "**no**";
            if (fit is not null && series.NotALeak is null && !fit.LevelledOff)
            {
                growing++;
            }
            rows.Add([
                $"{series.Name} ({series.Unit})", F(start, "F2"), F(end, "F2"),
                fit is null ? "" : F(fit.SlopePerHour, "F2"), fit is null ? "" : F(fit.GrowthOverWindow, "F2"), fit is null ? "" : F(fit.Noise, "F2"),
                fit is null ? "" : fit.Points.ToString(CultureInfo.InvariantCulture), verdict,
            ]);
            if (fit is not null && Judged.Contains(series.Name))
            {
                report.Target($"{series.Name} growth over the last half (fit) within noise", fit.GrowthOverWindow, fit.Noise, series.Unit);
            }
        }
        report.Tables.Add(new ReportTable($"Growth over the last half (fit from minute {fromMinutes:F1}; {GrowthFit.Rule})",
            ["resource", "start", "end", "slope per hour", "fitted growth over the half", "noise", "points", "levelled off"], rows));
        return growing;
    }

    public static void AddSchedule(ScenarioReport report, IReadOnlyList<PodSchedule> pods, (int Restarts, int Due, int Early) afterBack, TimeSpan window, IReadOnlyList<string> countResets)
    {
        var held = pods.Count(p => p.Held);
        report.Add("crash-looping pods whose restart schedule held", held, "pods", $"of {pods.Count}");
        report.Add($"crash-loop restarts within {window.TotalSeconds:F0} s after the server was back", afterBack.Restarts, "restarts",
            $"{afterBack.Due} of them fell due while it was down, {afterBack.Early} started before they were due, the rest fell due in the window");
        report.Target("crash-looping pods whose back-off dropped back or ran late", pods.Count(p => !p.Held), 0, "pods");
        report.Target("restart counts that went down", countResets.Count, 0, "observations");
        report.Target($"restarts after the server came back before they were due (lockstep burst)", afterBack.Early, 0, "restarts");
        foreach (var reset in countResets.Take(5))
        {
            report.Notes.Add("restartCount went down: " + reset);
        }
        report.Tables.Add(new ReportTable(
            $"Restart schedule per crash-looping pod (gap before restart k = its start − the previous exit; back-off 0 s for k = 1, then {RestartScheduleCheck.Initial.TotalSeconds:F0} s doubling to {RestartScheduleCheck.Max.TotalSeconds:F0} s; early = more than {RestartScheduleCheck.Tolerance.TotalSeconds} s short, late = more than {RestartScheduleCheck.Slack.TotalSeconds:F0} s over unless it fell due in the outage)",
            ["pod", "restarts", "gaps checked before the kill", "after", "early", "late", "held", "first problem", "restart k: gap/back-off in s (kill = the SIGKILL)"],
            [.. pods.Select(p => (IReadOnlyList<string>)
            [
                p.Pod, I(p.Restarts), I(p.GapsBefore), I(p.GapsAfter), I(p.Early), I(p.LateOutsideOutage), p.Held ? "yes" : "**no**", p.FirstProblem ?? "", p.Gaps,
            ])]));
    }

    public static void AddFailures(ScenarioReport report, IReadOnlyList<FailureCount> counts, ServerOutage outage)
    {
        report.Tables.Add(new ReportTable("Requests by client (failed while down: the request's span touched SIGKILL → the new process ready; "
            + "before serving: after /readyz, before the restarted proxy answered its first NodePort request; "
            + $"no ready endpoint: while the Service's Endpoints listed no ready address, ±{WebEndpointGaps.Margin.TotalSeconds:F0} s, which Kubernetes rejects too)",
            ["client", "sent", "failed while up", "failed while down", "failed before serving", "failed with no ready endpoint", "reasons while up", "last failure while up"],
            [.. counts.Select(c => (IReadOnlyList<string>)
            [
                c.Name, c.Sent.ToString("N0", CultureInfo.InvariantCulture), I(c.FailedWhileUp), I(c.FailedWhileDown), I(c.FailedBeforeServing), I(c.FailedWithoutReadyEndpoint),
                string.Join("; ", c.ReasonsWhileUp.Select(r => $"{r.Key} ×{r.Value}")),
                c.LastFailureWhileUp is { } last && outage.Happened ? $"{Stopwatch.GetElapsedTime(outage.BackAt, last).TotalSeconds:F1} s after the server was back" : "",
            ])]));
        var times = counts.SelectMany(c => c.FailuresWhileUp.Select(f => (c.Name, f.Utc, f.Reason))).OrderBy(f => f.Utc).ToList();
        if (times.Count > 0)
        {
            report.Tables.Add(new ReportTable("Failures while up, in order (the first 40 per client; UTC, to match the server's log)",
                ["UTC", "after the server was back", "client", "reason"],
                [.. times.Select(f => (IReadOnlyList<string>)
                [
                    f.Utc.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
                    outage.Happened && f.Utc >= outage.BackAtUtc ? $"{(f.Utc - outage.BackAtUtc.UtcDateTime).TotalSeconds:F1} s" : "before the kill",
                    f.Name, f.Reason,
                ])]));
        }
        report.Target("failed requests while the server was up", counts.Sum(c => c.FailedWhileUp), 0, "requests");
    }

    private static string F(double value, string format) => double.IsNaN(value) ? "" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
