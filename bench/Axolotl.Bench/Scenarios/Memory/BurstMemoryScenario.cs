using System.Diagnostics;
using System.Text;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Memory;

/// <summary>
/// Whether the server gives memory back after a burst (issue 37): its idle RSS, then 200 watchers on
/// ConfigMaps while 8 clients create and delete 5,000 (20,000 without --quick) ConfigMaps of 2 KB,
/// then the watchers leave and the server is left alone; its RSS is sampled as it settles. The figures
/// that matter are RSS 2 minutes after the burst ÷ RSS idle, with the memory reclaimer and without it.
/// </summary>
internal sealed class BurstMemoryScenario : IScenario
{
    private const string Ns = "bench-burst";
    private const int Clients = 8;
    private const int Watchers = 200;
    private static readonly int[] SettleSeconds = [10, 30, 60, 90, 120];
    private static readonly Dictionary<string, string> NoEnvironment = [];
    // The runtime reads these ahead of the binary's runtimeconfig (workstation, non-concurrent).
    private static readonly Dictionary<string, string> ServerGcWithDatas = new()
    {
        ["DOTNET_gcServer"] = "1",
        ["DOTNET_GCDynamicAdaptationMode"] = "1",
        ["DOTNET_gcConcurrent"] = "1",
    };

    public string Name => "memory-after-burst";

    public string Description =>
        $"server RSS idle, under a burst ({Watchers} watchers, {Clients} clients creating and deleting 2 KB ConfigMaps) and as it settles after";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 900 : 1800);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var objects = context.Quick ? 5_000 : 20_000;
        var reclaimed = await MeasureAsync(context, report, objects, "reclaimer on", [], NoEnvironment, ct);
        var left = await MeasureAsync(context, report, objects, "reclaimer off", ["--reclaim-memory=false"], NoEnvironment, ct);
        var datas = await MeasureAsync(context, report, objects, "server GC with DATAS", ["--reclaim-memory=false"], ServerGcWithDatas, ct);
        report.Add($"RSS {SettleSeconds[^1]} s after the burst, reclaimer on ÷ off", reclaimed / Math.Max(left, 0.001), "×");
        report.Add($"RSS {SettleSeconds[^1]} s after the burst, reclaimer on ÷ server GC with DATAS", reclaimed / Math.Max(datas, 0.001), "×");
        report.Notes.Add($"{objects:N0} ConfigMaps of 2 KB, each created then deleted by one of {Clients} clients, while {Watchers} watchers "
            + "followed every ConfigMap in the cluster; the watchers close when the last delete is answered. Each half runs on a fresh server: "
            + "with the memory reclaimer (the default, on the workstation non-concurrent GC the binary is built with), with --reclaim-memory=false, "
            + "and on the server GC with dynamic adaptation (DATAS: DOTNET_gcServer=1, DOTNET_GCDynamicAdaptationMode=1, concurrent), .NET's own answer to a heap sized to the load, without the reclaimer");
    }

    /// <summary>One server through warm-up, burst and settling; returns its RSS at the end.</summary>
    private async Task<double> MeasureAsync(BenchContext context, ScenarioReport report, int objects, string label, string[] args,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        await using var server = await context.StartServerAsync(args, environment, ct);
        using (var api = context.Connect(server))
        {
            await PodLoader.EnsureNamespaceAsync(api, Ns, ct);
        }

        // Warm up first (JIT, connection pools, the ConfigMap watch cache), so idle means idle after use, not cold.
        await ChurnAsync(context, server, 0, 500, ct);
        await Task.Delay(TimeSpan.FromSeconds(15), ct);
        var idle = ProcStatus.RssMegabytes(server.Pid);
        report.Add($"{label}: RSS idle (after a 500-object warm-up)", idle, "MB", "VmRSS");

        var burst = Stopwatch.StartNew();
        var cpuBefore = ProcStatus.CpuMilliseconds(server.Pid);
        using var watchers = new CancellationTokenSource();
        var watching = Enumerable.Range(0, Watchers).Select(_ => WatchUntilCancelledAsync(context, server, watchers.Token)).ToList();
        await ChurnAsync(context, server, 1_000, objects, ct);
        var atEnd = ProcStatus.RssMegabytes(server.Pid);
        await watchers.CancelAsync();
        await Task.WhenAll(watching);
        burst.Stop();
        context.Log($"{Name}: {label}: burst of {objects:N0} creates and deletes took {burst.Elapsed.TotalSeconds:0.0} s");
        report.Add($"{label}: RSS at the end of the burst", atEnd, "MB", "VmRSS");
        report.Add($"{label}: peak RSS", ProcStatus.PeakRssMegabytes(server.Pid), "MB", "VmHWM");
        report.Add($"{label}: server CPU per create+delete", (ProcStatus.CpuMilliseconds(server.Pid) - cpuBefore) / objects, "ms");

        var waited = 0;
        var last = atEnd;
        foreach (var seconds in SettleSeconds)
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds - waited), ct);
            waited = seconds;
            last = ProcStatus.RssMegabytes(server.Pid);
            report.Add($"{label}: RSS {seconds} s after the burst", last, "MB", "VmRSS");
        }
        report.Add($"{label}: RSS {SettleSeconds[^1]} s after the burst ÷ idle", last / idle, "×");
        return last;
    }

    private static async Task ChurnAsync(BenchContext context, ServerProcess server, int first, int count, CancellationToken ct)
    {
        var next = first - 1;
        var end = first + count;
        var path = $"/api/v1/namespaces/{Ns}/configmaps";
        var workers = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var api = context.Connect(server);
            while (Interlocked.Increment(ref next) is var index && index < end)
            {
                var name = $"burst-{index:D6}";
                await api.CreateAsync(path, ConfigMap(name), ct);
                await api.SendAsync(HttpMethod.Delete, $"{path}/{name}", body: null, accept: null, System.Net.HttpStatusCode.OK, ct);
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
    }

    private static async Task WatchUntilCancelledAsync(BenchContext context, ServerProcess server, CancellationToken stop)
    {
        using var api = ApiClient.ForStreaming(server.Kubeconfig, context.Http2);
        try
        {
            using var response = await api.OpenStreamAsync("/api/v1/configmaps?watch=1&allowWatchBookmarks=true", stop);
            await using var body = await response.Content.ReadAsStreamAsync(stop);
            var buffer = new byte[16 * 1024];
            while (await body.ReadAsync(buffer, stop) > 0)
            {
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static byte[] ConfigMap(string name) =>
        Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{Ns}}}","labels":{"bench":"burst"}},"data":{"payload":"{{{Payload}}}"}}""");

    private static readonly string Payload = new('x', 2048);
}
