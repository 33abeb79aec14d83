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
/// round-trip p50/p99, datagrams lost (no answer within 500 ms); relay ÷ direct and kernel ÷ direct. Each path twice: one
/// socket per client (one flow each), and a new socket per datagram (every datagram a new relay flow and a new conntrack
/// entry, as a resolver's queries are), with the host's counters of lost datagrams around each round (<see cref="HostUdpCounters"/>).
/// </summary>
internal sealed class UdpLoadScenario : IScenario
{
    private const int Clients = 16;
    private const int Replicas = 3;
    private const int Rounds = 2;

    public string Name => "udp-load";

    public string Description => $"{Clients} UDP clients, request/response datagrams to {Replicas} echo pods: direct vs the relay (127.0.0.1 node port) vs the kernel (node address, nftables mode), alternating rounds; one flow per client, then a new flow per datagram";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 150 : 240);

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

            // Each path with one socket per client, then with a socket per datagram; a case's baseline is direct in the same mode.
            var cases = new[] { false, true }
                .SelectMany(newFlow => paths.Select((p, i) => new Case(newFlow ? $"{p.Name}, a new flow per datagram" : p.Name, p.Target, newFlow, i)))
                .ToArray();
            var totals = new (long Answered, long Sent, long Lost, double Seconds, HostUdpCounters? Counters)[cases.Length];
            var dnats = new long[cases.Length];
            var latencies = cases.Select(c => new LatencySamples($"{c.Name}: round trip, all rounds")).ToArray();
            for (var r = 1; r <= Rounds; r++)
            {
                for (var c = 0; c < cases.Length; c++)
                {
                    var before = HostUdpCounters.Read();
                    var dnatBefore = await KernelDnatCount.ReadAsync(node.Bridge, ct);
                    var result = await UdpLoadGenerator.RunAsync(Clients, cases[c].Target, round, ct, cases[c].NewFlowPerDatagram);
                    var counters = HostUdpCounters.Read().Since(before);
                    var dnat = await KernelDnatCount.ReadAsync(node.Bridge, ct) - dnatBefore;
                    dnats[c] += dnat;
                    totals[c] = (totals[c].Answered + result.RoundTrips.Count, totals[c].Sent + result.Sent, totals[c].Lost + result.Lost,
                        totals[c].Seconds + result.Elapsed.TotalSeconds, counters.Plus(totals[c].Counters));
                    foreach (var ms in result.RoundTrips)
                    {
                        latencies[c].AddMilliseconds(ms);
                    }
                    context.Log(string.Create(CultureInfo.InvariantCulture,
                        $"{Name}: {cases[c].Name}, round {r}: {result.AnsweredPerSecond:F0} answered/s, {result.Lost} lost of {result.Sent}, by pod {string.Join(" ", result.ByPod.Select(kv => $"{kv.Key}={kv.Value}"))}; {counters}; kernel DNATs {dnat}"));
                }
            }
            var summaries = new LatencySummary[cases.Length];
            var rates = new double[cases.Length];
            for (var c = 0; c < cases.Length; c++)
            {
                summaries[c] = report.Add(latencies[c], $"answered datagrams of {Rounds} rounds of {round.TotalSeconds:F0} s, {Clients} clients");
                rates[c] = totals[c].Answered / totals[c].Seconds;
                report.Add($"{cases[c].Name}: answered datagrams per second", rates[c], "/s", $"mean over {Rounds} rounds");
                report.Add($"{cases[c].Name}: datagrams lost", totals[c].Lost, "datagrams", $"of {totals[c].Sent} sent; no answer within 500 ms");
                if (totals[c].Counters is { } counters)
                {
                    if (cases[c].NewFlowPerDatagram)
                    {
                        if (cases[c].Path == 2)
                        {
                            report.Add($"{cases[c].Name}: datagrams that were a new conntrack entry (DNATed by the table)", 100.0 * dnats[c] / totals[c].Sent, "%",
                                $"{dnats[c]} of {totals[c].Sent}; the others reused an entry a datagram from the same source port left (~28,000 ephemeral ports, 30 s per entry)");
                        }
                        report.Add($"{cases[c].Name}: conntrack entries at the end of a round (most)", counters.Entries ?? 0, "entries", $"of nf_conntrack_max {counters.Max}; the host's whole table");
                    }
                    report.Add($"{cases[c].Name}: host drops (conntrack drop + early_drop + insert_failed, UDP RcvbufErrors)",
                        counters.Drop + counters.EarlyDrop + counters.InsertFailed + counters.RcvbufErrors, "packets",
                        $"drop {counters.Drop}, early_drop {counters.EarlyDrop}, insert_failed {counters.InsertFailed}, RcvbufErrors {counters.RcvbufErrors} over its rounds (host-wide)");
                }
            }
            for (var c = 0; c < cases.Length; c++)
            {
                var baseline = Array.FindIndex(cases, b => b.Path == 0 && b.NewFlowPerDatagram == cases[c].NewFlowPerDatagram);
                if (c == baseline)
                {
                    continue;
                }
                report.Add($"{cases[c].Name}: answered/s ÷ direct", rates[c] / rates[baseline], "×", string.Create(CultureInfo.InvariantCulture, $"{rates[c]:F0}/s against {rates[baseline]:F0}/s"));
                report.Add($"{cases[c].Name}: p50 round trip ÷ direct", summaries[c].P50 / summaries[baseline].P50, "×", string.Create(CultureInfo.InvariantCulture, $"{summaries[c].P50:F3} ms against {summaries[baseline].P50:F3} ms"));
                report.Add($"{cases[c].Name}: p99 round trip ÷ direct", summaries[c].P99 / summaries[baseline].P99, "×", string.Create(CultureInfo.InvariantCulture, $"{summaries[c].P99:F3} ms against {summaries[baseline].P99:F3} ms"));
            }
            context.Log(string.Create(CultureInfo.InvariantCulture, $"{Name}: one flow per client: direct {rates[0]:F0}/s, relay {rates[1]:F0}/s, kernel {rates[2]:F0}/s; a new flow per datagram: direct {rates[3]:F0}/s, relay {rates[4]:F0}/s, kernel {rates[5]:F0}/s"));
        }
        finally
        {
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, UdpEchoWorkload.App);
        }
    }

    /// <summary>One measured case: a path (its index among the paths, 0 being direct) with one socket per client or a new one per datagram.</summary>
    private sealed record Case(string Name, Func<int, IPEndPoint> Target, bool NewFlowPerDatagram, int Path);

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
