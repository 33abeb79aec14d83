namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// The names under which the `peers` scenario files its results, shared with the report's comparison
/// section (Reporting/ComparisonReport.cs), which finds them again in the scenario's report.
/// </summary>
internal static class PeerNames
{
    public const string Scenario = "peers";
    public const string Axolotl = "axolotl";
    public const string Supervisord = "supervisord";
    public const string Pm2 = "pm2";
    public const string Runsv = "runsv";

    /// <summary>The three process supervisors, in report order.</summary>
    public static IReadOnlyList<string> Supervisors { get; } = [Supervisord, Pm2, Runsv];

    /// <summary>Every tool in report order, Axolotl first.</summary>
    public static IReadOnlyList<string> Tools { get; } = [Axolotl, Supervisord, Pm2, Runsv];

    /// <summary>Latency series: previous instance's exit stamp → next instance's start stamp; its note is the tool's restart setting.</summary>
    public static string RestartSeries(string tool) => $"{tool}: exit → restarted";

    /// <summary>runsv with a workload that runs 1.1 s before it crashes, so runsv's 1 s pause after short runs does not apply.</summary>
    public const string RunsvLongRunSeries = "runsv: exit → restarted, each run ≥ 1 s";

    /// <summary>Axolotl and PM2 with a workload that runs 0.1 s before it crashes: Axolotl's next attempt is prepared by then.</summary>
    public static string RanSeries(string tool) => $"{tool}: exit → restarted, each run 0.1 s";

    /// <summary>Metric (ratio): Axolotl's restart percentile over the tool's, both on 0.1 s runs.</summary>
    public static string RanRatio(string percentile, string tool) => $"axolotl {percentile} / {tool} {percentile}, each run 0.1 s";

    /// <summary>Metric (kB): what one more managed process costs the tool, PSS; its note says what is counted.</summary>
    public static string PerProcessPss(string tool) => $"{tool}: memory per managed process, PSS";

    /// <summary>Metric (kB): the same with RSS (shared pages counted in full for every process).</summary>
    public static string PerProcessRss(string tool) => $"{tool}: memory per managed process, RSS";

    /// <summary>Metric (MB): the supervisor process's own PSS while it manages <paramref name="processes"/> processes.</summary>
    public static string SupervisorPss(string tool, int processes) => $"{tool}: supervisor PSS, {processes} processes";

    /// <summary>Metric (ratio): Axolotl's restart percentile over the tool's.</summary>
    public static string Ratio(string percentile, string tool) => $"axolotl {percentile} / {tool} {percentile}";

    /// <summary>Note prefix for a tool that could not be installed or started.</summary>
    public static string NotAvailable(string tool) => $"{tool}: not available: ";
}
