using System.Globalization;
using System.Text;

namespace Axolotl.Bench.Reporting;

/// <summary>Renders a <see cref="BenchReport"/> as the human-readable results/latest.md.</summary>
internal static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Axolotl benchmark ({report.Mode})");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, took {report.DurationSeconds:F0} s");
        md.AppendLine(CultureInfo.InvariantCulture, $"- commit: {report.Build.Commit ?? "unknown"}{(report.Build.Dirty == true ? " (with local changes)" : "")}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- server GC: {report.Build.ServerGc ?? "default"}; client protocol: {report.Protocol}");
        if (report.Build.ServerEnvironment.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"- server environment: {string.Join(", ", report.Build.ServerEnvironment.Select(e => $"`{e.Key}={e.Value}`"))}");
        }
        var m = report.Machine;
        md.AppendLine(CultureInfo.InvariantCulture, $"- machine: {m.CpuModel}, {m.Cores} cores, {m.MemoryMegabytes} MB RAM, {m.Os}, kernel {m.Kernel}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {m.DotNet}; {m.Kubectl}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- load average (1, 5, 15 min): {report.LoadAverageBefore} before, {report.LoadAverageAfter} after");
        md.AppendLine();
        if (report.Busy)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"> **The machine was busy before the run** (1-minute load average above its {m.Cores} cores): latencies and start times are inflated; compare the server CPU per operation instead. The benchmark itself keeps about 2 cores busy, so load averages taken during the run read about 2 higher than the other work on the machine.");
            md.AppendLine();
        }

        var targets = report.Scenarios.SelectMany(s => s.Targets).ToList();
        if (targets.Count > 0)
        {
            md.AppendLine("## Targets");
            md.AppendLine();
            md.AppendLine("| target | limit | this run | |");
            md.AppendLine("|---|---:|---:|---|");
            foreach (var t in targets)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | ≤ {Number(t.Limit)} {t.Unit} | {Number(t.Actual)} {t.Unit} | {(t.Met ? "met" : "**MISSED**")} |");
            }
            md.AppendLine();
        }

        foreach (var s in report.Scenarios)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {s.Name}");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"{s.Description} ({s.Status}, {s.DurationSeconds:F0} s, load average at start {s.LoadAverageAtStart ?? "unknown"})");
            md.AppendLine();
            if (s.Error is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"**Error:** `{s.Error.ReplaceLineEndings(" ")}`");
                md.AppendLine();
            }
            if (s.Latencies.Count > 0)
            {
                md.AppendLine("| series (ms) | n | p50 | p90 | p99 | max | per second | server CPU ms/op |");
                md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var l in s.Latencies)
                {
                    var rate = l.ThroughputPerSecond is { } r ? Number(r) : "";
                    var cpu = l.ServerCpuPerOperation is { } c ? Number(c) : "";
                    var name = l.Note is null ? l.Name : $"{l.Name} ({l.Note})";
                    md.AppendLine(CultureInfo.InvariantCulture,
                        $"| {name} | {l.Count} | {Number(l.P50)} | {Number(l.P90)} | {Number(l.P99)} | {Number(l.Max)} | {rate} | {cpu} |");
                }
                md.AppendLine();
            }
            if (s.Metrics.Count > 0)
            {
                md.AppendLine("| measure | value |");
                md.AppendLine("|---|---:|");
                foreach (var metric in s.Metrics)
                {
                    var name = metric.Note is null ? metric.Name : $"{metric.Name} ({metric.Note})";
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Number(metric.Value)} {metric.Unit} |");
                }
                md.AppendLine();
            }
            foreach (var note in s.Notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
            if (s.Notes.Count > 0)
            {
                md.AppendLine();
            }
            foreach (var table in s.Tables)
            {
                RenderTable(md, table);
            }
        }
        md.Append(ComparisonReport.Render(report));
        md.AppendLine("Percentiles are nearest-rank (p99 of fewer than 100 samples is the maximum).");
        return md.ToString();
    }

    private static void RenderTable(StringBuilder md, ReportTable table)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"**{table.Title}**");
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", table.Columns) + " |");
        md.AppendLine("|" + string.Join("|", table.Columns.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
        foreach (var row in table.Rows)
        {
            md.AppendLine("| " + string.Join(" | ", row) + " |");
        }
        md.AppendLine();
    }

    /// <summary>Two decimals below 10 (sub-millisecond detail matters there), one above, none past 10,000.</summary>
    public static string Number(double value) => Math.Abs(value) switch
    {
        < 10 => value.ToString("F2", CultureInfo.InvariantCulture),
        < 10_000 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F0", CultureInfo.InvariantCulture),
    };
}
