using System.Globalization;
using System.Net;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// UDP through the service path (issue 36): closed-loop request/response datagrams from <see cref="Clients"/> client
/// sockets to a 3-replica UDP echo Deployment, straight at the pod IPs, through its NodePort on 127.0.0.1 (the relay: the
/// node runs `--proxy-mode nftables`, which leaves loopback node ports to the relay) and on the node's address (DNATed by
/// the kernel), in alternating rounds so a drift of the machine hits each. Per path: answered datagrams per second,
/// round-trip p50/p99, datagrams lost (no answer within 500 ms); relay ÷ direct and kernel ÷ direct.
/// </summary>
internal sealed class UdpLoadScenario : IScenario
{
    private const int Clients = 16;
    private const int Replicas = 3;
    private const int Rounds = 2;

    public string Name => "udp-load";

    public string Description => $"{Clients} UDP clients, request/response datagrams to {Replicas} echo pods: direct vs the relay (127.0.0.1 node port) vs the kernel (node address, nftables mode), alternating rounds";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 120 : 180);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var round = TimeSpan.FromSeconds(context.Quick ? 4 : 10);
        await using var node = await NodeServer.StartAsync(context, ct, proxyMode: "nftables");
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await PodSetWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, UdpEchoWorkload.Namespace, ct);
        var nodePort = await UdpEchoWorkload.CreateAsync(api, Replicas, ct);
        try
        {
            await watch.WaitAsync(pods => pods.Count(p => p.App == UdpEchoWorkload.App && p.Ready && !p.Terminating) == Replicas,
                LoadPhases.SettleTimeout, $"{Replicas} UDP echo pods Ready", ct);
            var pods = await UdpEchoWorkload.PodEndpointsAsync(api, ct);
            var relay = new IPEndPoint(IPAddress.Loopback, nodePort);
            var kernel = new IPEndPoint(await node.InternalAddressAsync(api, ct), nodePort);
            var paths = new (string Name, Func<int, IPEndPoint> Target)[]
            {
                ("direct to the pod IPs", c => pods[c % pods.Length]),
                ("through the relay (127.0.0.1 node port)", _ => relay),
                ($"through the kernel ({kernel.Address} node port, nftables DNAT)", _ => kernel),
            };
            foreach (var (name, target) in paths)
            {
                await WarmUpAsync(target, name, ct);
            }
            context.Log($"{Name}: node port {nodePort} answers from all {Replicas} pods through the relay and the kernel");

            var totals = new (long Answered, long Sent, long Lost, double Seconds)[paths.Length];
            var latencies = paths.Select(p => new LatencySamples($"{p.Name}: round trip, all rounds")).ToArray();
            for (var r = 1; r <= Rounds; r++)
            {
                for (var p = 0; p < paths.Length; p++)
                {
                    var result = await UdpLoadGenerator.RunAsync(Clients, paths[p].Target, round, ct);
                    totals[p] = (totals[p].Answered + result.RoundTrips.Count, totals[p].Sent + result.Sent, totals[p].Lost + result.Lost,
                        totals[p].Seconds + result.Elapsed.TotalSeconds);
                    foreach (var ms in result.RoundTrips)
                    {
                        latencies[p].AddMilliseconds(ms);
                    }
                    context.Log(string.Create(CultureInfo.InvariantCulture,
                        $"{Name}: {paths[p].Name}, round {r}: {result.AnsweredPerSecond:F0} answered/s, {result.Lost} lost of {result.Sent}, by pod {string.Join(" ", result.ByPod.Select(kv => $"{kv.Key}={kv.Value}"))}"));
                }
            }
            var summaries = new LatencySummary[paths.Length];
            var rates = new double[paths.Length];
            for (var p = 0; p < paths.Length; p++)
            {
                summaries[p] = report.Add(latencies[p], $"answered datagrams of {Rounds} rounds of {round.TotalSeconds:F0} s, {Clients} clients");
                rates[p] = totals[p].Answered / totals[p].Seconds;
                report.Add($"{paths[p].Name}: answered datagrams per second", rates[p], "/s", $"mean over {Rounds} rounds");
                report.Add($"{paths[p].Name}: datagrams lost", totals[p].Lost, "datagrams", $"of {totals[p].Sent} sent; no answer within 500 ms");
            }
            for (var p = 1; p < paths.Length; p++)
            {
                report.Add($"{paths[p].Name}: answered/s ÷ direct", rates[p] / rates[0], "×", string.Create(CultureInfo.InvariantCulture, $"{rates[p]:F0}/s against {rates[0]:F0}/s"));
                report.Add($"{paths[p].Name}: p50 round trip ÷ direct", summaries[p].P50 / summaries[0].P50, "×", string.Create(CultureInfo.InvariantCulture, $"{summaries[p].P50:F3} ms against {summaries[0].P50:F3} ms"));
                report.Add($"{paths[p].Name}: p99 round trip ÷ direct", summaries[p].P99 / summaries[0].P99, "×", string.Create(CultureInfo.InvariantCulture, $"{summaries[p].P99:F3} ms against {summaries[0].P99:F3} ms"));
            }
            context.Log(string.Create(CultureInfo.InvariantCulture, $"{Name}: direct {rates[0]:F0}/s, relay {rates[1]:F0}/s, kernel {rates[2]:F0}/s"));
        }
        finally
        {
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, UdpEchoWorkload.App);
        }
    }

    /// <summary>Waits until datagrams to <paramref name="target"/> are answered by every pod (a path's first flows may find it not yet written).</summary>
    private static async Task WarmUpAsync(Func<int, IPEndPoint> target, string what, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var result = await UdpLoadGenerator.RunAsync(Clients, target, TimeSpan.FromSeconds(1), ct);
            if (result.ByPod.Count == Replicas)
            {
                return;
            }
            if (waited.Elapsed > LoadPhases.SettleTimeout)
            {
                throw new TimeoutException($"{what}: answers from {result.ByPod.Count} of {Replicas} pods");
            }
        }
    }
}
