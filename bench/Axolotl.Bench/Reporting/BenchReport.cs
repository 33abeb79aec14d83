namespace Axolotl.Bench.Reporting;

/// <summary>The whole run: where it ran, on what build, in which mode, and each scenario's report.</summary>
internal sealed record BenchReport(
    MachineInfo Machine,
    BuildInfo Build,
    string Mode,
    string Protocol,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    IReadOnlyList<ScenarioReport> Scenarios);

/// <summary>The measured build: the repo commit (and whether the tree had local changes) and the server's GC mode.</summary>
internal sealed record BuildInfo(string? Commit, bool? Dirty, string ServerBinary, string? ServerGc);
