namespace Axolotl.Bench.Reporting;

/// <summary>The whole run: where it ran, on what build, in which mode, and each scenario's report.</summary>
internal sealed record BenchReport(
    MachineInfo Machine,
    BuildInfo Build,
    string Mode,
    string Protocol,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    string LoadAverageBefore,
    string LoadAverageAfter,
    bool Busy,
    IReadOnlyList<ScenarioReport> Scenarios);

/// <summary>
/// The measured build: the repo commit (and whether src/ had local changes), the server's GC mode, and
/// any environment the run gave the server (--server-env).
/// </summary>
internal sealed record BuildInfo(string? Commit, bool? Dirty, string ServerBinary, string? ServerGc, IReadOnlyDictionary<string, string> ServerEnvironment);
