using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Probes;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Do probes keep their period with many on one node? 100 pods (quick: 20), each with a python3
/// asyncio server (HTTP on 8080, TCP on 8081) that appends "&lt;probe&gt; &lt;time.monotonic_ns()&gt;" to its own
/// file in /dev/shm for every request or connection as soon as its handler runs, a liveness httpGet
/// /live and a readiness httpGet /ready on it, and a second container (`sleep`) whose readiness
/// tcpSocket probe dials 8081: three probes per pod, all periodSeconds 1. Once every pod is Ready and
/// a settle time has passed, arrivals are collected over a window (30 s, quick 10 s); each probe series'
/// intervals give their deviation from 1 s. The app's CLOCK_MONOTONIC is the benchmark's Stopwatch
/// clock, so the window is cut on the same clock. The figures include the python servers' own
/// scheduling (100 interpreters share the cores with the agent), so they overstate the agent's jitter;
/// each server's own 1 s timer is reported the same way, for comparison. A missed tick shows as a
/// ~1 s deviation and is counted. The pods are deleted at the end (on failure too, by the node server).
/// </summary>
internal sealed class ProbeJitterScenario : IScenario
{
    private const int Clients = 8;
    private const double MissedAfterMs = 1500;
    private static readonly string[] Series = ["live", "ready", "tcp"];
    private const string Control = "tick";

    // Stamps as soon as the handler runs (the connection is accepted), before reading the request; a
    // 1 s timer of its own (on a fixed grid) is the control: how late the app itself gets to run.
    private const string Server = """
        import asyncio, sys, time
        log = open(sys.argv[1], 'a', buffering=1)
        async def http(reader, writer):
            t = time.monotonic_ns()
            try:
                parts = (await reader.readline()).split()
                while (await reader.readline()) not in (b'\r\n', b'\n', b''):
                    pass
                log.write('%s %d\n' % (parts[1].decode().strip('/') if len(parts) > 1 else '?', t))
                writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
                await writer.drain()
            except Exception:
                pass
            finally:
                writer.close()
        async def tcp(reader, writer):
            log.write('tcp %d\n' % time.monotonic_ns())
            writer.close()
        async def tick():
            due = time.monotonic_ns()
            while True:
                due += 1000000000
                await asyncio.sleep(max(0, due - time.monotonic_ns()) / 1e9)
                log.write('tick %d\n' % time.monotonic_ns())
        async def main():
            a = await asyncio.start_server(http, '0.0.0.0', 8080)
            b = await asyncio.start_server(tcp, '0.0.0.0', 8081)
            await asyncio.gather(a.serve_forever(), b.serve_forever(), tick())
        asyncio.run(main())
        """;

    public string Name => "probe-jitter";

    public string Description => "100 pods × 3 probes (HTTP liveness, HTTP readiness, TCP readiness; period 1 s) on one node: how far probe intervals are from 1 s over 30 s (quick: 20 pods, 10 s)";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 90 : 210);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var pods = context.Quick ? 20 : 100;
        var window = TimeSpan.FromSeconds(context.Quick ? 10 : 30);
        var settle = TimeSpan.FromSeconds(context.Quick ? 3 : 5);
        using var markers = MarkerDirectory.Create("jitter");
        await using var node = await NodeServer.StartAsync(context, ct);
        using (var api = context.Connect(node.Server))
        {
            await node.WaitNodeReadyAsync(api, ct);
        }
        await using var watch = await PodReadyWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, AgentPods.Namespace, ct);

        context.Log($"{Name}: creating {pods} pods with {Clients} clients");
        var created = Stopwatch.GetTimestamp();
        var names = Enumerable.Range(0, pods).Select(i => $"jitter-{i:D3}").ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var api = context.Connect(node.Server);
            while (Interlocked.Increment(ref next) is var i && i < pods)
            {
                await api.CreateAsync(AgentPods.PodsPath, Pod(names[i], Path.Combine(markers.Path, names[i])), ct);
            }
        }, ct)));
        await Task.WhenAll(names.Select(n => watch.UntilAsync(n, ready: true))).WaitAsync(TimeSpan.FromSeconds(context.Quick ? 50 : 120), ct);
        report.Add($"{pods} pods created → all Ready", Stopwatch.GetElapsedTime(created).TotalSeconds, "s", $"{Clients} concurrent clients");
        context.Log($"{Name}: {pods} pods Ready; settling {settle.TotalSeconds:F0} s, then collecting {window.TotalSeconds:F0} s");
        await Task.Delay(settle, ct);

        var cpu = CpuMeter.Start(node.Pid);
        var from = MonotonicNanoseconds(Stopwatch.GetTimestamp());
        await Task.Delay(window, ct);
        var to = MonotonicNanoseconds(Stopwatch.GetTimestamp());
        var cpuMs = cpu.ElapsedMilliseconds;
        var windowMs = (to - from) / 1e6;
        var rss = ProcStatus.RssMegabytes(node.Pid);

        var perSeries = Series.ToDictionary(s => s, s => new LatencySamples(SeriesName(s) + ", deviation from 1 s"));
        var all = new LatencySamples("every probe, deviation from 1 s");
        var control = new LatencySamples("control: the app's own 1 s timer, deviation from 1 s");
        var arrivals = 0;
        var missed = 0;
        foreach (var name in names)
        {
            foreach (var (series, times) in ReadArrivals(Path.Combine(markers.Path, name), from, to))
            {
                if (series == Control)
                {
                    for (var i = 1; i < times.Count; i++)
                    {
                        control.AddMilliseconds(Math.Abs((times[i] - times[i - 1]) / 1e6 - 1000));
                    }
                    continue;
                }
                arrivals += times.Count;
                for (var i = 1; i < times.Count; i++)
                {
                    var intervalMs = (times[i] - times[i - 1]) / 1e6;
                    missed += intervalMs > MissedAfterMs ? 1 : 0;
                    var deviation = Math.Abs(intervalMs - 1000);
                    perSeries[series].AddMilliseconds(deviation);
                    all.AddMilliseconds(deviation);
                }
            }
        }
        int restarts;
        using (var api = context.Connect(node.Server))
        {
            restarts = await RestartCountAsync(api, ct);
        }
        foreach (var series in Series)
        {
            if (perSeries[series].Count == 0)
            {
                throw new InvalidOperationException($"no two {SeriesName(series)} arrivals in the window");
            }
            var summary = report.Add(perSeries[series], $"how far each interval is from the 1 s period; {pods} series (one per pod), arrivals stamped by the app's handler");
            report.Target($"{SeriesName(series)}: interval off 1 s, p99", summary.P99, 20, "ms");
        }
        report.Add(all, $"all {Series.Length * pods} probe series together", cpu);
        if (control.Count > 0)
        {
            report.Add(control, "no probe involved: how late the python servers themselves get to run on this machine, for comparison");
        }
        var expected = Series.Length * pods * windowMs / 1000;
        report.Add("probe arrivals in the window", arrivals, "", string.Create(CultureInfo.InvariantCulture, $"expected ≈ {expected:F0} ({pods} pods × {Series.Length} probes × {windowMs / 1000:F1} s)"));
        report.Add("missed ticks", missed, "", $"intervals over {MissedAfterMs:F0} ms");
        report.Add("container restarts", restarts, "", "restartCount summed over all pods at the end (a restart breaks a series)");
        report.Add("server CPU over the window", cpuMs / windowMs * 100, "% of a core", string.Create(CultureInfo.InvariantCulture, $"{cpuMs:F0} ms in {windowMs / 1000:F1} s, {cpuMs / Math.Max(1, arrivals):F2} ms per probe"));
        report.Add($"server RSS, {pods} pods with 3 probes", rss, "MB", "VmRSS at the end of the window");

        var deleting = Stopwatch.GetTimestamp();
        var removed = await node.DeleteAllPodsAsync(TimeSpan.FromSeconds(60));
        report.Add($"{pods} pods deleted → runtime empty", Stopwatch.GetElapsedTime(deleting).TotalSeconds, "s", removed ? "grace 1 s" : "NOT all removed in 60 s");
    }

    private static string SeriesName(string series) => series switch
    {
        "live" => "liveness httpGet /live",
        "ready" => "readiness httpGet /ready",
        _ => "readiness tcpSocket (second container)",
    };

    private static byte[] Pod(string name, string logFile) => ProbePods.Pod(name, "Always", new Dictionary<string, string>(),
        ProbePods.Container("app", "python:3.11-slim", ["python3", "-c", Server, logFile],
            // A generous threshold: python's start-up on a busy node must not look like a dead app.
            liveness: ProbePods.HttpGetProbe("/live", 8080, periodSeconds: 1, failureThreshold: 30),
            readiness: ProbePods.HttpGetProbe("/ready", 8080, periodSeconds: 1)),
        ProbePods.Container("side", "busybox", ["sleep", "3600"], readiness: ProbePods.TcpSocketProbe(8081, periodSeconds: 1)));

    /// <summary>Each probe's arrival times (monotonic ns) within [from, to], in order.</summary>
    private static Dictionary<string, List<long>> ReadArrivals(string file, long from, long to)
    {
        var bySeries = Series.Append(Control).ToDictionary(s => s, _ => new List<long>());
        foreach (var line in File.Exists(file) ? File.ReadLines(file) : [])
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && bySeries.TryGetValue(parts[0], out var times)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ns) && ns >= from && ns <= to)
            {
                times.Add(ns);
            }
        }
        foreach (var times in bySeries.Values)
        {
            times.Sort();
        }
        return bySeries;
    }

    private static async Task<int> RestartCountAsync(ApiClient api, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await api.GetAsync(AgentPods.PodsPath, ct));
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .SelectMany(p => p.GetProperty("status").TryGetProperty("containerStatuses", out var s) ? s.EnumerateArray() : [])
            .Sum(c => c.TryGetProperty("restartCount", out var r) ? r.GetInt32() : 0);
    }

    /// <summary>A Stopwatch timestamp in CLOCK_MONOTONIC nanoseconds, the clock of python's time.monotonic_ns() on Linux.</summary>
    private static long MonotonicNanoseconds(long stopwatchTimestamp) =>
        Stopwatch.Frequency == 1_000_000_000 ? stopwatchTimestamp : (long)(stopwatchTimestamp * (1e9 / Stopwatch.Frequency));
}
