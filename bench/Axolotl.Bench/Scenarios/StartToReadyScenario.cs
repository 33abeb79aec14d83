using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Cold starts on fresh data dirs (so each one also creates its CA, serving certificate, token and
/// database): wall time from spawn to /readyz 200, and to the "ready after" log line; then the
/// resident memory of an idle server after 10 s.
/// </summary>
internal sealed class StartToReadyScenario : IScenario
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    public string Name => "start-to-ready";

    public string Description => "spawn `axolotl server` on a fresh data dir, wait for /readyz 200; idle RSS after 10 s";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 40 : 60);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var runs = context.Quick ? 3 : 5;
        var portOpen = new LatencySamples("spawn → port accepts TCP");
        var readyz = new LatencySamples("spawn → /readyz 200");
        var readyLine = new LatencySamples("spawn → kubeconfig + \"ready after\" line");
        var reported = new LatencySamples("server's own \"ready after\"");
        var cpuAtReady = new LatencySamples("server CPU time used by then");
        for (var run = 1; run <= runs; run++)
        {
            await using var server = await context.StartServerAsync(ct);
            cpuAtReady.AddMilliseconds(ProcStatus.CpuMilliseconds(server.Pid));
            portOpen.AddMilliseconds(server.PortOpenMilliseconds);
            readyz.AddMilliseconds(server.ReadyzMilliseconds);
            readyLine.AddMilliseconds(server.ReadyLineMilliseconds);
            if (server.ServerReportedReadyMilliseconds is { } own)
            {
                reported.AddMilliseconds(own);
            }
            context.Log($"{Name}: run {run}/{runs}: port open after {server.PortOpenMilliseconds:F0} ms, /readyz 200 after {server.ReadyzMilliseconds:F0} ms, server says {server.ServerReportedReadyMilliseconds:F0} ms");

            if (run == runs)
            {
                context.Log($"{Name}: idling {Idle.TotalSeconds:F0} s for RSS");
                await Task.Delay(Idle, ct);
                var rss = ProcStatus.RssMegabytes(server.Pid);
                report.Add("idle RSS after 10 s", rss, "MB", "VmRSS");
                report.Add("peak RSS during start", ProcStatus.PeakRssMegabytes(server.Pid), "MB", "VmHWM");
                report.Target("idle server RSS", rss, 120, "MB");
            }
        }
        var summary = report.Add(readyz, $"{runs} cold starts");
        report.Add(portOpen, "the rest of the time to /readyz is the first TLS handshake and request on a cold server");
        report.Add(readyLine);
        report.Add(reported);
        report.Add(cpuAtReady, "user + system, all threads: what a start costs whatever else runs");
        report.Target($"start to ready (median of {runs})", summary.P50, 2000, "ms");
    }
}
