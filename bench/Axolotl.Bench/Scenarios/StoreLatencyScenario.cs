using System.Diagnostics;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Testing.Etcd;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// The same API requests on the two stores, in one run: a fresh server on SQLite (the default), then a
/// fresh server on a one-member etcd started for it (`--datastore-endpoint`, Debian's etcd-server).
/// Sequential pod creates, gets, and creates with 8 concurrent clients, each over HTTPS keep-alive.
/// </summary>
internal sealed class StoreLatencyScenario : IScenario
{
    private const string Ns = "default";
    private const string WarmupNs = "bench-warmup";
    private const int Clients = 8;
    private const int WarmupRequests = 100;

    public string Name => "store-latency";

    public string Description =>
        "pod create/get latency and 8-client create throughput on SQLite and on a one-member etcd, same run";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 90 : 300);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var creates = context.Quick ? 300 : 2_000;
        var gets = context.Quick ? 300 : 2_000;
        var loaded = context.Quick ? 400 : 2_000;

        context.Log($"{Name}: SQLite");
        var sqlite = await MeasureAsync(context, report, "sqlite", [], creates, gets, loaded, ct);

        context.Log($"{Name}: etcd (one member on loopback)");
        await using var etcd = await EtcdMember.StartAsync(ct);
        var onEtcd = await MeasureAsync(context, report, "etcd", ["--datastore-endpoint", etcd.ClientUrl.ToString()], creates, gets, loaded, ct);

        report.Add("create p50, etcd / SQLite", onEtcd.CreateP50 / sqlite.CreateP50, "x");
        report.Add("create p99, etcd / SQLite", onEtcd.CreateP99 / sqlite.CreateP99, "x");
        report.Add("get p50, etcd / SQLite", onEtcd.GetP50 / sqlite.GetP50, "x");
        report.Add($"create throughput ({Clients} clients), etcd / SQLite", onEtcd.Throughput / sqlite.Throughput, "x");
        report.Notes.Add($"{EtcdCluster.Version()} single member, default snapshot and fsync settings, data in {Path.GetTempPath()}; "
            + "the server talks to it over gRPC (ADR 0032)");
        report.Notes.Add($"{WarmupRequests} creates and gets in another namespace warm each server up first (not counted)");
    }

    private static async Task<(double CreateP50, double CreateP99, double GetP50, double Throughput)> MeasureAsync(BenchContext context,
        ScenarioReport report, string store, IReadOnlyList<string> args, int creates, int gets, int loaded, CancellationToken ct)
    {
        await using var server = await context.StartServerAsync(args, ct);
        using var api = context.Connect(server);
        await WarmUpAsync(api, ct);

        var cpu = CpuMeter.Start(server.Pid);
        var createSamples = new LatencySamples($"{store}: create, 0 → {creates:N0} pods");
        var path = PodManifests.PodsPath(Ns);
        for (var i = 0; i < creates; i++)
        {
            var body = PodManifests.Pod(Ns, PodManifests.Name(i));
            var start = Stopwatch.GetTimestamp();
            await api.CreateAsync(path, body, ct);
            createSamples.Add(start, Stopwatch.GetTimestamp());
        }

        var create = report.Add(createSamples, "sequential", cpu);

        cpu = CpuMeter.Start(server.Pid);
        var getSamples = new LatencySamples($"{store}: get, {creates:N0} pods stored");
        var random = new Random(42);
        for (var i = 0; i < gets; i++)
        {
            var name = PodManifests.Name(random.Next(creates));
            var start = Stopwatch.GetTimestamp();
            await api.GetAsync($"{path}/{name}", ct);
            getSamples.Add(start, Stopwatch.GetTimestamp());
        }

        var get = report.Add(getSamples, "sequential", cpu);

        cpu = CpuMeter.Start(server.Pid);
        var load = await PodLoader.CreateAsync(server.Kubeconfig, context.Http2, Ns, creates, loaded, Clients,
            $"{store}: create, {Clients} concurrent clients", ct);
        var loadSummary = report.Add(load, "per-request latency under load; per second = throughput", cpu);
        return (create.P50, create.P99, get.P50, loadSummary.ThroughputPerSecond ?? 0);
    }

    private static async Task WarmUpAsync(ApiClient api, CancellationToken ct)
    {
        await PodLoader.EnsureNamespaceAsync(api, WarmupNs, ct);
        var path = PodManifests.PodsPath(WarmupNs);
        for (var i = 0; i < WarmupRequests; i++)
        {
            var name = PodManifests.Name(i);
            await api.CreateAsync(path, PodManifests.Pod(WarmupNs, name), ct);
            await api.GetAsync($"{path}/{name}", ct);
        }
    }
}
