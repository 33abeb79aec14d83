using System.Globalization;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// Axolotl next to three process supervisors (supervisord, PM2, runit's runsv), each installed by a
/// script in bench/peers when missing and run as a private instance: crash → restart latency with the
/// same crashing bash workload and stamps as restart-latency, and memory per managed process (100, or 20
/// in a quick run, `sleep 3600` processes vs none). A tool that cannot be installed or fails is reported
/// as not available, with the reason, and the scenario goes on. Results are filed under
/// <see cref="PeerNames"/>; the report's comparison section (Reporting/ComparisonReport.cs) puts them
/// side by side and adds Kubernetes' documented figures for what the supervisors cannot do.
/// </summary>
internal sealed class PeersScenario : IScenario
{
    private static readonly TimeSpan SleepersTimeout = TimeSpan.FromSeconds(60);

    public string Name => PeerNames.Scenario;

    public string Description =>
        "crash → restart latency (same bash workload and $EPOCHREALTIME stamps as restart-latency) and memory per managed process (100 `sleep`s, 20 in a quick run, vs none) under supervisord, PM2 and runsv, private instances, next to Axolotl's from a node of its own";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 240);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var size = context.Quick ? Size.Quick : Size.Full;
        var root = Directory.CreateDirectory(Path.Combine("/dev/shm", $"axolotl-bench-peers-{Environment.ProcessId}-{Random.Shared.Next(1_000_000)}")).FullName;
        try
        {
            var peers = await InstallAsync(context, report, ct);

            var markers = Directory.CreateDirectory(Path.Combine(root, "axolotl")).FullName;
            var (axolotlRestarts, axolotlRan, axolotlMemory) = await AxolotlSample.RunAsync(context, markers, size.AxolotlCrashes, size.Processes, size.Settle,
                (restarts, note) => report.Add(restarts, note), ct);
            AddMemory(report, PeerNames.Axolotl, axolotlMemory);
            var axolotl = axolotlRestarts.Summarize();
            var axolotlRanSummary = axolotlRan.Summarize();

            foreach (var peer in peers)
            {
                try
                {
                    await MeasureRestartsAsync(context, report, peer, root, size, axolotl, ct);
                    if (peer.Name == PeerNames.Pm2)
                    {
                        await MeasureRanRestartsAsync(report, peer, root, size, axolotlRanSummary, ct);
                    }
                    AddMemory(report, peer.Name, await MeasureMemoryAsync(peer, Path.Combine(root, peer.Name + "-memory"), size, ct));
                    context.Log($"{PeerNames.Scenario}: {peer.Name}: memory with {size.Processes} processes measured");
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
                {
                    report.Notes.Add(PeerNames.NotAvailable(peer.Name) + $"failed while measured: {e.Message}");
                    context.Log($"{Name}: {peer.Name} failed: {e.Message}");
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A peer's last log line landing meanwhile; /dev/shm is cleared at boot anyway.
            }
        }
    }

    private static async Task<List<IPeer>> InstallAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var scripts = PeerInstaller.ScriptsDirectory(context.Options.RepoRoot);
        var peers = new List<IPeer>();
        (string Name, string Script)[] installers = [(PeerNames.Supervisord, "install-supervisor"), (PeerNames.Pm2, "install-pm2"), (PeerNames.Runsv, "install-runit")];
        foreach (var (name, script) in installers)
        {
            var (paths, reason) = await PeerInstaller.InstallAsync(scripts, script, ct);
            IPeer? peer = paths switch
            {
                null => null,
                _ when name == PeerNames.Supervisord && paths.Count >= 2 => new SupervisordPeer(paths[0], paths[1]),
                _ when name == PeerNames.Pm2 => new Pm2Peer(paths[0]),
                _ when name == PeerNames.Runsv => new RunsvPeer(paths[0]),
                _ => null,
            };
            if (peer is null)
            {
                report.Notes.Add(PeerNames.NotAvailable(name) + (reason ?? $"{script} printed too few paths"));
                context.Log($"{PeerNames.Scenario}: {name} not available: {reason}");
            }
            else
            {
                peers.Add(peer);
            }
        }
        return peers;
    }

    private static async Task MeasureRestartsAsync(BenchContext context, ScenarioReport report, IPeer peer, string root, Size size,
        LatencySummary axolotl, CancellationToken ct)
    {
        var slow = peer.Name == PeerNames.Runsv;
        var limit = slow ? size.RunsvTime : size.PeerTime;
        var series = await CrashLoopAsync(peer, Path.Combine(root, peer.Name), TimeSpan.Zero, PeerNames.RestartSeries(peer.Name), size.PeerCrashes, limit, ct);
        var summary = report.Add(series.Samples, string.Create(CultureInfo.InvariantCulture,
            $"{peer.RestartSetting}; {series.Instances} instances in one continuous crash loop, the first restart not counted, stopped at {size.PeerCrashes} restarts or after {limit.TotalSeconds:F1} s"));
        context.Log($"{PeerNames.Scenario}: {peer.Name}: {summary.Count} restarts, p50 {summary.P50:F1} ms");
        (string Percentile, double Ours, double Theirs)[] ratios = [("p50", axolotl.P50, summary.P50), ("p99", axolotl.P99, summary.P99)];
        foreach (var (percentile, ours, theirs) in ratios)
        {
            report.Add(PeerNames.Ratio(percentile, peer.Name), ours / theirs, "×", "below 1: Axolotl restarts faster");
        }
        if (slow && size.RunsvLongRuns)
        {
            var longRuns = await CrashLoopAsync(peer, Path.Combine(root, peer.Name + "-long"), TimeSpan.FromSeconds(1.1), PeerNames.RunsvLongRunSeries,
                size.PeerCrashes, size.RunsvTime, ct);
            report.Add(longRuns.Samples, $"the same script with `sleep 1.1` before its exit stamp, so runsv's 1 s pause after short runs does not apply; {longRuns.Instances} instances");
        }
    }

    /// <summary>The same crash loop with 0.1 s runs, against Axolotl's first restarts after 0.1 s runs.</summary>
    private static async Task MeasureRanRestartsAsync(ScenarioReport report, IPeer peer, string root, Size size, LatencySummary axolotl, CancellationToken ct)
    {
        var limit = size.PeerTime + TimeSpan.FromSeconds(size.PeerCrashes * 0.1);
        var series = await CrashLoopAsync(peer, Path.Combine(root, peer.Name + "-ran"), TimeSpan.FromSeconds(0.1), PeerNames.RanSeries(peer.Name), size.PeerCrashes, limit, ct);
        var summary = report.Add(series.Samples, string.Create(CultureInfo.InvariantCulture,
            $"the same script with `sleep 0.1` before its exit stamp; {series.Instances} instances"));
        (string Percentile, double Ours, double Theirs)[] ratios = [("p50", axolotl.P50, summary.P50), ("p99", axolotl.P99, summary.P99)];
        foreach (var (percentile, ours, theirs) in ratios)
        {
            report.Add(PeerNames.RanRatio(percentile, peer.Name), ours / theirs, "×", "below 1: Axolotl restarts faster");
        }
    }

    private static async Task<(LatencySamples Samples, int Instances)> CrashLoopAsync(IPeer peer, string directory, TimeSpan runFor, string series,
        int count, TimeSpan limit, CancellationToken ct)
    {
        var loop = CrashLoop.Create(Path.Combine(directory, "workload"), runFor);
        (LatencySamples Samples, int Instances) result;
        await using (var instance = await peer.StartCrashLoopAsync(loop, Path.Combine(directory, "instance"), ct))
        {
            result = await loop.CollectAsync(series, count, limit, ct);
        }
        return result.Samples.Count > 0 ? result
            : throw new InvalidOperationException($"no restart within {limit.TotalSeconds:F0} s ({result.Instances} instances started)");
    }

    private static async Task<PeerMemory> MeasureMemoryAsync(IPeer peer, string directory, Size size, CancellationToken ct)
    {
        await using var instance = await peer.StartIdleAsync(directory, ct);
        await Task.Delay(size.Settle, ct);
        var idle = Sum(instance.Token);
        await peer.AddSleepersAsync(instance, size.Processes, ct);
        // Each check reads every process's environment: not so often that it takes the CPU the tool needs to start them.
        if (!await PeerProcesses.WaitAsync(() => PeerProcesses.Count(instance.Token, "sleep") >= size.Processes, SleepersTimeout, ct, TimeSpan.FromMilliseconds(250)))
        {
            throw new TimeoutException($"{PeerProcesses.Count(instance.Token, "sleep")} of {size.Processes} sleep processes running after {SleepersTimeout.TotalSeconds:F0} s");
        }
        await Task.Delay(size.Settle, ct);
        var loaded = Sum(instance.Token);
        var counted = $"{peer.MemoryCounted}; processes at N: {loaded.Roles}";
        return new PeerMemory(size.Processes, idle.SupervisorPss, idle.SupervisorRss, loaded.SupervisorPss, loaded.SupervisorRss, loaded.WrapperPss, loaded.WrapperRss, counted);
    }

    /// <summary>The instance's processes but the managed `sleep`s: runsv processes are per-process wrappers, anything else the supervisor.</summary>
    private static (long SupervisorPss, long SupervisorRss, long WrapperPss, long WrapperRss, string Roles) Sum(string token)
    {
        var processes = PeerProcesses.Find(token).Where(p => p.Comm != "sleep")
            .Select(p => (p.Comm, Memory: PeerProcesses.Memory(p.Pid))).Where(p => p.Memory is not null).ToList();
        var wrappers = processes.Where(p => p.Comm == "runsv").ToList();
        var supervisor = processes.Where(p => p.Comm != "runsv").ToList();
        var roles = string.Join(", ", processes.GroupBy(p => p.Comm).Select(g => $"{g.Key} ×{g.Count()}"));
        return (supervisor.Sum(p => p.Memory!.Value.PssKb), supervisor.Sum(p => p.Memory!.Value.RssKb),
            wrappers.Sum(p => p.Memory!.Value.PssKb), wrappers.Sum(p => p.Memory!.Value.RssKb), roles.Length == 0 ? "none" : roles);
    }

    private static void AddMemory(ScenarioReport report, string tool, PeerMemory memory)
    {
        report.Add(PeerNames.SupervisorPss(tool, 0), memory.IdlePssKb / 1024.0, "MB", $"RSS {memory.IdleRssKb / 1024.0:F1} MB");
        report.Add(PeerNames.SupervisorPss(tool, memory.Processes), memory.LoadedPssKb / 1024.0, "MB",
            string.Create(CultureInfo.InvariantCulture, $"RSS {memory.LoadedRssKb / 1024.0:F1} MB; per-process wrappers besides: PSS {memory.WrapperPssKb / 1024.0:F1} MB, RSS {memory.WrapperRssKb / 1024.0:F1} MB"));
        report.Add(PeerNames.PerProcessPss(tool), memory.PerProcessPssKb, "kB", memory.Counted);
        report.Add(PeerNames.PerProcessRss(tool), memory.PerProcessRssKb, "kB", "the same with RSS, which counts shared pages once per process");
    }

    /// <summary>
    /// How much to measure. A crash loop stops at PeerCrashes restarts or after its time, whichever comes first:
    /// supervisord and runsv restart about once a second, so their time bounds them. The runsv loop with
    /// 1.1 s runs is left out of a quick run.
    /// </summary>
    private sealed record Size(int AxolotlCrashes, int PeerCrashes, TimeSpan PeerTime, TimeSpan RunsvTime, bool RunsvLongRuns, int Processes, TimeSpan Settle)
    {
        public static Size Quick { get; } = new(30, 30, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(3.5), false, 20, TimeSpan.FromSeconds(0.5));
        public static Size Full { get; } = new(100, 200, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(25), true, 100, TimeSpan.FromSeconds(3));
    }
}
