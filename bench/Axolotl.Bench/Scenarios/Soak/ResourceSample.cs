namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// One minute's look at the server (NaN where a figure could not be read, e.g. the API while it was
/// down). CPU is the cores used since the previous sample; failed requests are running totals.
/// </summary>
internal sealed record ResourceSample(
    double Minutes,
    int Pid,
    double RssMegabytes,
    double AnonymousMegabytes,
    double HeapMegabytes,
    double GcCommittedMegabytes,
    double GcPauseMilliseconds,
    double OpenFds,
    double Threads,
    double CpuCores,
    double DatabaseMegabytes,
    double WalMegabytes,
    double Events,
    double CrashLoopRestarts,
    double OtherRestarts,
    long FailedWhileUp,
    long FailedWhileDown);

/// <summary>A sampled figure: its name, unit, how it is read off a sample, and the growth below which it counts as level whatever the noise.</summary>
internal sealed record ResourceSeries(string Name, string Unit, Func<ResourceSample, double> Read, double Floor, string? NotALeak = null)
{
    /// <summary>The series the soak fits and judges, in the order of the report's columns.</summary>
    public static IReadOnlyList<ResourceSeries> All { get; } =
    [
        new("RSS", "MB", s => s.RssMegabytes, 8),
        new("anonymous RSS (GC heap and native)", "MB", s => s.AnonymousMegabytes, 8),
        new("GC heap after the last collection", "MB", s => s.HeapMegabytes, 8),
        new("GC committed (anonymous RSS minus this is native)", "MB", s => s.GcCommittedMegabytes, 8),
        new("native: anonymous RSS minus GC committed", "MB", s => s.AnonymousMegabytes - s.GcCommittedMegabytes, 8),
        new("GC pause since the previous sample", "ms", s => s.GcPauseMilliseconds, 50, "a rate, not a stock: shown to match pauses with failures"),
        new("open fds", "fds", s => s.OpenFds, 8),
        new("threads", "threads", s => s.Threads, 4),
        new("CPU", "cores", s => s.CpuCores, 0.05),
        new("state.db", "MB", s => s.DatabaseMegabytes, 1),
        new("state.db-wal", "MB", s => s.WalMegabytes, 1),
        new("Event objects", "events", s => s.Events, 30),
        new("crash-loop restarts (sum)", "restarts", s => s.CrashLoopRestarts, 0,
            "grows by design: each crash-looping pod restarts about 12 times an hour at the 300 s cap"),
        new("restarts of the other pods", "restarts", s => s.OtherRestarts, 0),
        new("failed requests while up", "requests", s => s.FailedWhileUp, 0),
    ];
}
