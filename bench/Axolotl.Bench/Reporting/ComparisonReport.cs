using System.Globalization;
using System.Text;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Scenarios.Peers;

namespace Axolotl.Bench.Reporting;

/// <summary>
/// The "side by side" section of latest.md: the `peers` scenario's restart and memory figures for
/// Axolotl, supervisord, PM2 and runsv in one table each, and, for what those tools cannot do, Kubernetes'
/// documented defaults next to what this run's other scenarios measured for Axolotl. Empty when the
/// `peers` scenario did not run. Everything is read back from the scenario reports, so it works on
/// any run's results, partial ones included.
/// </summary>
internal static class ComparisonReport
{
    private static string Number(double value) => MarkdownReport.Number(value);

    public static string Render(BenchReport report)
    {
        var peers = report.Scenarios.FirstOrDefault(s => s.Name == PeerNames.Scenario);
        if (peers is null)
        {
            return "";
        }
        var md = new StringBuilder();
        md.AppendLine("## Side by side: Axolotl and process supervisors");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"From the `{PeerNames.Scenario}` scenario ({peers.Status}, load average at its start {peers.LoadAverageAtStart ?? "unknown"}): every tool runs the same bash workload on the same machine in the same run. Each supervisor runs as a private instance (own config, socket, state and logs in a temporary folder, stopped by PID afterwards).");
        md.AppendLine();
        RenderRestarts(md, report, peers);
        RenderMemory(md, peers);
        RenderDocumented(md, report);
        return md.ToString();
    }

    private static void RenderRestarts(StringBuilder md, BenchReport report, ScenarioReport peers)
    {
        md.AppendLine("### Crash → restart");
        md.AppendLine();
        md.AppendLine("Previous instance's `$EPOCHREALTIME` stamp just before `exit 1` → next instance's stamp as its first command (includes bash's start-up). Axolotl's figure is each pod's first restart (later ones back off, as in Kubernetes); the supervisors' is every restart of one continuous crash loop.");
        md.AppendLine();
        md.AppendLine("| tool | n | p50 | p90 | p99 | max | Axolotl's p50 ÷ this p50 | how it was set up |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        var axolotl = Series(peers, PeerNames.RestartSeries(PeerNames.Axolotl));
        foreach (var tool in PeerNames.Tools)
        {
            var series = Series(peers, PeerNames.RestartSeries(tool));
            if (series is null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {tool} | | | | | | | {Unavailable(peers, tool)} |");
                continue;
            }
            var ratio = tool == PeerNames.Axolotl || axolotl is null ? "" : $"{Number(axolotl.P50 / series.P50)}×";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {tool} | {series.Count} | {Number(series.P50)} ms | {Number(series.P90)} ms | {Number(series.P99)} ms | {Number(series.Max)} ms | {ratio} | {series.Note} |");
        }
        if (Series(peers, PeerNames.RunsvLongRunSeries) is { } longRuns)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| runsv, runs ≥ 1 s | {longRuns.Count} | {Number(longRuns.P50)} ms | {Number(longRuns.P90)} ms | {Number(longRuns.P99)} ms | {Number(longRuns.Max)} ms | {(axolotl is null ? "" : $"{Number(axolotl.P50 / longRuns.P50)}×")} | {longRuns.Note} |");
        }
        var axolotlRan = Series(peers, PeerNames.RanSeries(PeerNames.Axolotl));
        foreach (var tool in new[] { PeerNames.Axolotl, PeerNames.Pm2 })
        {
            if (Series(peers, PeerNames.RanSeries(tool)) is { } ran)
            {
                var ratio = tool == PeerNames.Axolotl || axolotlRan is null ? "" : $"{Number(axolotlRan.P50 / ran.P50)}×";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {tool}, runs of 0.1 s | {ran.Count} | {Number(ran.P50)} ms | {Number(ran.P90)} ms | {Number(ran.P99)} ms | {Number(ran.Max)} ms | {ratio} | {ran.Note} |");
            }
        }
        if (Find(report, "restart-latency") is { } restart && restart.Latencies.FirstOrDefault() is { } larger)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| axolotl (`restart-latency` scenario, same run) | {larger.Count} | {Number(larger.P50)} ms | {Number(larger.P90)} ms | {Number(larger.P99)} ms | {Number(larger.Max)} ms | | the larger sample of the same measurement |");
        }
        md.AppendLine();
    }

    private static void RenderMemory(StringBuilder md, ScenarioReport peers)
    {
        md.AppendLine("### Memory per managed process");
        md.AppendLine();
        md.AppendLine("What one more managed `sleep 3600` costs the tool: its own process(es) with N processes minus with none, plus any process it adds per managed process, divided by N; the managed processes themselves are never counted. PSS splits shared pages between the processes sharing them (what they really add up to); RSS counts them in full for each.");
        md.AppendLine();
        md.AppendLine("| tool | N | PSS at 0 | PSS at N | per-process wrappers, PSS | per managed process, PSS | per managed process, RSS | what is counted |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var tool in PeerNames.Tools)
        {
            var perProcess = Metric(peers, PeerNames.PerProcessPss(tool));
            var loaded = peers.Metrics.FirstOrDefault(m => m.Name.StartsWith($"{tool}: supervisor PSS, ", StringComparison.Ordinal) && m.Name != PeerNames.SupervisorPss(tool, 0));
            if (perProcess is null || loaded is null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {tool} | | | | | | | {Unavailable(peers, tool)} |");
                continue;
            }
            var n = loaded.Name[(loaded.Name.LastIndexOf(", ", StringComparison.Ordinal) + 2)..].Split(' ')[0];
            var idle = Metric(peers, PeerNames.SupervisorPss(tool, 0));
            var wrappers = loaded.Note is { } note && note.Contains("wrappers besides: PSS ", StringComparison.Ordinal)
                ? note[(note.IndexOf("wrappers besides: PSS ", StringComparison.Ordinal) + 22)..].Split(',')[0] : "";
            var rss = Metric(peers, PeerNames.PerProcessRss(tool));
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {tool} | {n} | {(idle is null ? "" : Number(idle.Value) + " MB")} | {Number(loaded.Value)} MB | {wrappers} | {Number(perProcess.Value)} kB | {(rss is null ? "" : Number(rss.Value) + " kB")} | {perProcess.Note} |");
        }
        md.AppendLine();
    }

    private static void RenderDocumented(StringBuilder md, BenchReport report)
    {
        md.AppendLine("### What the supervisors cannot do: Kubernetes documented, Axolotl measured");
        md.AppendLine();
        md.AppendLine("supervisord, PM2 and runsv have no probes, no readiness-based routing, no rollouts of a new version gated on readiness, no replacement of a removed replica and no second node. The Kubernetes column is **documented defaults (not measured)**, from /work/shared/docs/kubernetes-behaviour.md with the source it names; the Axolotl column is measured by this run's scenarios, with the settings each names (\"not run\" when that scenario was not part of this run).");
        md.AppendLine();
        md.AppendLine("| what | Kubernetes default (**documented**, not measured) | source | Axolotl (measured in this run) |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| liveness probe fails → replacement running | detection after failureThreshold 3 × periodSeconds 10 s (+ timeoutSeconds 1) ≈ 30 s, then SIGTERM and up to 30 s grace: ≈ 60 s worst case (derived) | kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Probe, DefaultTerminationGracePeriodSeconds); kubernetes/website pod-lifecycle.md | {Measured(report, "probe-kill-restart", "probe failed → replacement running", "failureThreshold 1, 100 ms period")} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| readiness changes → pod Ready condition (and so the Service's endpoints) | Ready=False after failureThreshold 3 × periodSeconds 10 s ≈ 30 s of failing checks; then the EndpointSlice controller removes the address | pkg/apis/core/v1/defaults.go; pod-lifecycle.md | {Measured(report, "readiness-to-api", "probe result changes → Ready changed on the watch", "thresholds 1/1, 100 ms period; probe result → Ready on a watch")} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| rolling update of a Deployment | maxSurge 25 %, maxUnavailable 25 %, minReadySeconds 0, progressDeadlineSeconds 600, no automatic rollback; no duration documented | kubernetes/kubernetes pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment); issue kubernetes/kubernetes#23211 | {Measured(report, "rolling-update", "image changed → 10 new pods Ready, old ones gone", "10 replicas, the same 25 %/25 % defaults")} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| a replica removed → replacement running | the ReplicaSet creates the replacement as soon as the pod is terminating (not counted as active); pod startup SLO p99 ≤ 5 s | kubernetes/kubernetes pkg/controller/replicaset/replica_set.go; kubernetes/community sig-scalability/slos/pod_startup_latency.md | {Measured(report, "pod-replacement", "DELETE sent → replacement Running", "5-replica Deployment, grace 1 s")} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| node dies → its pods running on another node | node-monitor-grace-period 50 s (1.32+) + ≤ 5 s monitor period + 300 s NoExecute toleration + start ≈ 6 min (derived) | PR kubernetes/kubernetes#126287; kubernetes/kubernetes plugin/pkg/admission/defaulttolerationseconds/admission.go | {Measured(report, "node-failover", "node killed → all replicas Running on the other node", "fast profile: grace 4 s, tolerations 2 s", seconds: true)} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| crash loop: restarts after the first | back-off 10 s, ×2, capped at 300 s, reset after 10 min running (supervisors above: immediate or 1 s, forever) | kubernetes/kubernetes pkg/kubelet/kubelet.go, pkg/kubelet/apis/config/v1beta1/defaults.go; pod-lifecycle.md | back-off from 10 s, capped at 300 s, by default (`--restart-backoff`, `--restart-backoff-max`); the benchmark's nodes use 1 s / 4 s |");
        md.AppendLine();
    }

    /// <summary>"p50 … p99 … (n …)" of a series of another scenario in this run, or why there is none.</summary>
    private static string Measured(BenchReport report, string scenario, string series, string settings, bool seconds = false)
    {
        var found = Find(report, scenario);
        if (found is null)
        {
            return $"not run (`{scenario}`)";
        }
        if (Series(found, series) is not { } s)
        {
            return $"no result (`{scenario}` {found.Status}{(found.Error is null ? "" : ": " + found.Error)})";
        }
        string Format(double ms) => seconds ? $"{Number(ms / 1000)} s" : $"{Number(ms)} ms";
        return $"p50 {Format(s.P50)}, p99 {Format(s.P99)}, max {Format(s.Max)} (n {s.Count}; {settings}; `{scenario}`)";
    }

    private static ScenarioReport? Find(BenchReport report, string scenario) => report.Scenarios.FirstOrDefault(s => s.Name == scenario);

    private static LatencySummary? Series(ScenarioReport scenario, string name) => scenario.Latencies.FirstOrDefault(l => l.Name == name);

    private static Metric? Metric(ScenarioReport scenario, string name) => scenario.Metrics.FirstOrDefault(m => m.Name == name);

    private static string Unavailable(ScenarioReport peers, string tool) =>
        peers.Notes.FirstOrDefault(n => n.StartsWith(PeerNames.NotAvailable(tool), StringComparison.Ordinal)) is { } note
            ? $"**not available**: {note[PeerNames.NotAvailable(tool).Length..].ReplaceLineEndings(" ")}"
            : $"not measured ({peers.Status}{(peers.Error is null ? "" : ": " + peers.Error)})";
}
