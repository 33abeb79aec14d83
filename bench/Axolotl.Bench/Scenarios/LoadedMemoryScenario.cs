using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Resident memory of the server holding 1,000 and (full run) 10,000 pods: loaded with 8 concurrent
/// clients, then left idle a few seconds so the figure is the steady state rather than the load peak.
/// </summary>
internal sealed class LoadedMemoryScenario : IScenario
{
    private const int Clients = 8;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public string Name => "loaded-memory";

    public string Description => "server RSS after loading 1,000 pods (and 10,000 in the full run), 5 s after the load";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 20 : 90);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        await using var server = await context.StartServerAsync(ct);
        var config = server.Kubeconfig;
        report.Add("RSS right after start", ProcStatus.RssMegabytes(server.Pid), "MB", "VmRSS");

        var loaded = 0;
        foreach (var target in context.Quick ? [1_000] : (int[])[1_000, 10_000])
        {
            context.Log($"{Name}: loading to {target} pods");
            await PodLoader.CreateAsync(config, context.Http2, "default", loaded, target - loaded, Clients, "load", ct);
            loaded = target;
            await Task.Delay(Settle, ct);
            report.Add($"RSS with {target:N0} pods", ProcStatus.RssMegabytes(server.Pid), "MB", "VmRSS, 5 s after loading");
        }
        report.Add("peak RSS", ProcStatus.PeakRssMegabytes(server.Pid), "MB", "VmHWM over the whole scenario");
        report.Add("database size", DirectorySize(server.DataDir) / (1024.0 * 1024.0), "MB", "the data dir: state.db and its WAL");
    }

    private static long DirectorySize(string path) =>
        new DirectoryInfo(path).EnumerateFiles("state.db*", SearchOption.TopDirectoryOnly).Sum(f => f.Length);
}
