using System.Diagnostics;
using System.Globalization;
using System.Net;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Probes;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// The load phases the traffic scenarios share: load through one front (a NodePort, the Ingress) while pods'
/// web servers are SIGKILLed or rolled, each phase recorded as latencies, requests sent and failed (by reason
/// and when), and a zero-failure target.
/// </summary>
internal sealed class LoadPhases(string scenario, int clients, int replicas, TimeSpan interval)
{
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Load on <paramref name="target"/> while one ready pod's web server is SIGKILLed every interval, in turn.</summary>
    public async Task KillAsync(BenchContext context, ScenarioReport report, ApiClient api, IPEndPoint target, string label, TimeSpan phase, int cap, CancellationToken ct)
    {
        var pods = await TrafficWorkload.PodsAsync(api, ct);
        var before = pods.Sum(p => p.Restarts);
        var ready = pods.Where(p => p.Ready && !p.Terminating).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var started = Stopwatch.GetTimestamp();
        var load = LoadGenerator.RunAsync(clients, _ => target, phase, cap, ct);
        // On a thread of their own, from the pods listed before the load (killed in turn; a pod keeps its UID across its
        // container's restart): at load average 20-40 the thread pool, busy with the clients, and the API's answer delayed
        // the kills by seconds, past the phase's end, so the phase measured nothing.
        var (kills, missed) = await Task.Factory.StartNew(() =>
        {
            int killed = 0, notFound = 0;
            for (var next = interval / 2; next < phase && ready.Count > 0; next += interval)
            {
                var wait = next - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero && ct.WaitHandle.WaitOne(wait))
                {
                    break;
                }
                var victim = ready[killed % ready.Count];
                if (TrafficWorkload.KillApp(victim.Uid, out var sockets) is { } pid)
                {
                    killed++;
                    context.Log($"{scenario}: SIGKILL {victim.Name}'s web server (PID {pid}) at {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s; its port just before: {sockets?.ToString() ?? "not read"}");
                }
                else
                {
                    notFound++;
                    context.Log($"{scenario}: found no web server under {victim.Name}'s init to SIGKILL");
                }
            }
            return (killed, notFound);
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var samples = await load;
        Record(report, $"{label} a pod's web server SIGKILLed every {interval.TotalSeconds:F0} s", samples, $"{kills} kills");
        var after = (await TrafficWorkload.PodsAsync(api, ct)).Sum(p => p.Restarts);
        report.Add($"{label} container restarts seen", after - before, "restarts", $"{kills} SIGKILLs sent");
        // A round that kills nothing measures nothing: say so instead of reporting 0 failed requests.
        report.Target($"{label} ready pods whose web server was not found to SIGKILL", missed, 0, "pods");
    }

    /// <summary>Load on <paramref name="target"/> while image rollouts run back to back.</summary>
    public async Task RolloutAsync(BenchContext context, ScenarioReport report, ApiClient api, PodSetWatch watch, IPEndPoint target, string label, TimeSpan phase, int cap, CancellationToken ct)
    {
        var phaseStarted = Stopwatch.GetTimestamp();
        var load = LoadGenerator.RunAsync(clients, _ => target, phase, cap, ct);
        var rollouts = new LatencySamples($"{label} rollout: image changed → all new pods Ready, old gone");
        var next = 0;
        while (!load.IsCompleted)
        {
            next = (next + 1) % TrafficWorkload.Images.Length;
            var image = TrafficWorkload.Images[next];
            var sent = Stopwatch.GetTimestamp();
            await WorkloadApi.SetImageAsync(api, TrafficWorkload.App, image, ct);
            var done = await watch.WaitAsync(pods => Settled(pods, image, replicas), SettleTimeout, $"rollout to {image}", ct);
            rollouts.Add(sent, done);
            context.Log($"{scenario}: rollout {rollouts.Count} to {image} in {Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds:F0} ms, from {Stopwatch.GetElapsedTime(phaseStarted, sent).TotalSeconds:F1} s into the phase");
        }
        var samples = await load;
        Record(report, $"{label} rolling updates back to back", samples, $"{rollouts.Count} rollouts (maxSurge 1, maxUnavailable 0 at {replicas} replicas)");
        report.Add(rollouts, $"each rollout replaces all {replicas} pods");
    }

    /// <summary>Adds one phase's request latencies, totals and failure reasons; returns its throughput (requests per second).</summary>
    public static double Record(ScenarioReport report, string phase, IReadOnlyList<LoadSample> samples, string note)
    {
        var latencies = new LatencySamples(phase + ": request latency");
        foreach (var s in samples)
        {
            latencies.Add(s.Start, s.Start + (long)(s.Milliseconds / 1000 * Stopwatch.Frequency));
        }
        var summary = report.Add(latencies, note);
        var failed = samples.Where(s => s.Error is not null).ToList();
        var reasons = string.Join(", ", failed.GroupBy(s => s.Error).OrderByDescending(g => g.Count()).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()}")));
        report.Add(phase + ": requests sent", samples.Count, "requests");
        report.Add(phase + ": requests failed", failed.Count, "requests", reasons.Length == 0 ? null : $"{reasons}; {FailureTimes(samples, failed)}");
        report.Target(phase + ": failed requests", failed.Count, 0, "requests");
        return summary.ThroughputPerSecond ?? 0;
    }

    /// <summary>When the failed requests started, seconds into the phase, in bursts (failures less than a second apart): "at 41.2–41.9 s ×80".</summary>
    private static string FailureTimes(IReadOnlyList<LoadSample> samples, List<LoadSample> failed)
    {
        var origin = samples.Min(s => s.Start);
        var offsets = failed.Select(s => Stopwatch.GetElapsedTime(origin, s.Start).TotalSeconds).Order().ToList();
        var bursts = new List<(double From, double To, int Count)>();
        foreach (var at in offsets)
        {
            if (bursts.Count > 0 && at - bursts[^1].To < 1)
            {
                bursts[^1] = (bursts[^1].From, at, bursts[^1].Count + 1);
            }
            else
            {
                bursts.Add((at, at, 1));
            }
        }
        return "started at " + string.Join(", ", bursts.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.From:F1}–{b.To:F1} s ×{b.Count}")));
    }

    /// <summary>Waits until requests to <paramref name="target"/> are answered by every one of <paramref name="replicas"/> pods.</summary>
    /// <param name="newSocket">Where the sockets are made (as <see cref="LoadGenerator.RunAsync"/>); the bench's own namespace by default.</param>
    public static async Task WarmUpAsync(IPEndPoint target, int replicas, string what, CancellationToken ct, Func<Task<System.Net.Sockets.Socket>>? newSocket = null)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var samples = await LoadGenerator.RunAsync(8, _ => target, TimeSpan.FromSeconds(1), 2_000, ct, newSocket);
            if (samples.Where(s => s.Pod is not null).Select(s => s.Pod).Distinct().Count() == replicas)
            {
                return;
            }
            if (waited.Elapsed > SettleTimeout)
            {
                throw new TimeoutException($"{what} did not answer from {replicas} pods");
            }
        }
    }

    public static async Task DelayUntilAsync(long started, TimeSpan at, CancellationToken ct)
    {
        var wait = at - Stopwatch.GetElapsedTime(started);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }
    }

    /// <summary>Exactly <paramref name="replicas"/> web pods, all running <paramref name="image"/>, Ready and not terminating.</summary>
    public static bool Settled(IReadOnlyCollection<PodState> pods, string image, int replicas)
    {
        var mine = pods.Where(p => p.App == TrafficWorkload.App).ToList();
        return mine.Count == replicas && mine.All(p => p.Image is { } i && (i == image || i.EndsWith('/' + image, StringComparison.Ordinal)) && p.Ready && !p.Terminating);
    }
}
