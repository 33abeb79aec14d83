using Axolotl.Bench.Measurement;

namespace Axolotl.Bench.Reporting;

/// <summary>What one scenario measured: latency series, single values, and checks against the targets.</summary>
internal sealed class ScenarioReport(string name, string description)
{
    public string Name { get; } = name;
    public string Description { get; } = description;

    /// <summary>"ok", "failed" (threw; partial results are kept) or "skipped".</summary>
    public string Status { get; set; } = "ok";
    public string? Error { get; set; }

    /// <summary>/proc/loadavg when the scenario started: a busy machine explains slow numbers.</summary>
    public string? LoadAverageAtStart { get; set; }
    public double DurationSeconds { get; set; }
    public List<LatencySummary> Latencies { get; } = [];
    public List<Metric> Metrics { get; } = [];
    public List<TargetCheck> Targets { get; } = [];
    public List<string> Notes { get; } = [];

    /// <summary>Tables a scenario renders itself (e.g. a soak's samples over time), after its notes.</summary>
    public List<ReportTable> Tables { get; } = [];

    public LatencySummary Add(LatencySamples samples, string? note = null, CpuMeter? serverCpu = null)
    {
        var summary = samples.Summarize(note);
        if (serverCpu is not null)
        {
            summary = summary with { ServerCpuPerOperation = serverCpu.PerOperation(summary.Count) };
        }
        Latencies.Add(summary);
        return summary;
    }

    public void Add(string name, double value, string unit, string? note = null) => Metrics.Add(new Metric(name, value, unit, note));

    /// <summary>Records whether <paramref name="actual"/> is at most <paramref name="limit"/>.</summary>
    public void Target(string name, double actual, double limit, string unit) =>
        Targets.Add(new TargetCheck(name, actual, limit, unit, actual <= limit));
}

/// <summary>One measured value (a size, a count, a time that is not a series).</summary>
internal sealed record Metric(string Name, double Value, string Unit, string? Note);

/// <summary>A target from the issue ("at most <see cref="Limit"/>") and whether this run met it.</summary>
internal sealed record TargetCheck(string Name, double Actual, double Limit, string Unit, bool Met);

/// <summary>A table of already formatted cells under a heading; the first column is left-aligned, the rest right-aligned.</summary>
internal sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
