using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// UDP through the service path (issue 36): closed-loop request/response datagrams from <see cref="Clients"/> client
/// sockets to a 3-replica UDP echo Deployment, straight at the pod IPs, through its NodePort on 127.0.0.1 (the relay: the
/// node runs `--proxy-mode nftables`, which leaves loopback node ports to the relay) and on the node's address (DNATed by
/// the kernel), and from a client pod's network namespace straight at the pod IPs and through the Service's cluster IP (the
/// kernel's prerouting DNAT, as a pod's traffic goes), in alternating rounds so a drift of the machine hits each. Per path: answered datagrams per second,
/// round-trip p50/p99, datagrams lost (no answer within 500 ms); relay ÷ direct and kernel ÷ direct (from the same side). Each path twice: one
/// socket per client (one flow each), and a new socket per datagram (every datagram a new relay flow and a new conntrack
/// entry, as a resolver's queries are), with the host's counters of lost datagrams around each round (<see cref="HostUdpCounters"/>).
/// </summary>
internal sealed class UdpLoadScenario : IScenario
{
    private const int Clients = 16;
    private const int Replicas = 3;
    private const int Rounds = 2;

    public string Name => "udp-load";

    public string Description => $"{Clients} UDP clients, request/response datagrams to {Replicas} echo pods: direct vs the relay (127.0.0.1 node port) vs the kernel (node address, nftables mode), and from a pod direct vs the kernel (cluster IP), alternating rounds; one flow per client, then a new flow per datagram";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 180 : 300);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var round = TimeSpan.FromSeconds(context.Quick ? 4 : 10);
        await using var node = await NodeServer.StartAsync(context, ct, proxyMode: "nftables");
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await PodSetWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, UdpEchoWorkload.Namespace, ct);
        var (nodePort, clusterIp) = await UdpEchoWorkload.CreateAsync(api, Replicas, ct);
        try
        {
            await watch.WaitAsync(pods => pods.Count(p => p.App == UdpEchoWorkload.App && p.Ready && !p.Terminating) == Replicas
                    && pods.Any(p => p.App == UdpEchoWorkload.ClientApp && p.Ready && !p.Terminating),
                LoadPhases.SettleTimeout, $"{Replicas} UDP echo pods and the client pod Ready", ct);
            var pods = await UdpEchoWorkload.PodEndpointsAsync(api, ct);
            var relay = new IPEndPoint(IPAddress.Loopback, nodePort);
            var kernel = new IPEndPoint(await node.InternalAddressAsync(api, ct), nodePort);
            var service = new IPEndPoint(clusterIp, UdpEchoWorkload.ServicePort);
            var (clientUid, clientIp) = await UdpEchoWorkload.ClientPodAsync(api, ct);
            var inPod = PodSockets.In(PodSockets.NamespaceOf(clientUid));
            // From the host, then from the client pod's network namespace (through the pod bridge, the prerouting hook);
            // each path's baseline is direct from the same side.
            var paths = new Path[]
            {
                new("direct to the pod IPs", c => pods[c % pods.Length], null, 0),
                new("through the relay (127.0.0.1 node port)", _ => relay, null, 0),
                new($"through the kernel ({kernel.Address} node port, nftables DNAT)", _ => kernel, null, 0),
                new("from a pod, direct to the pod IPs", c => pods[c % pods.Length], inPod, 3),
                new($"from a pod, through the kernel ({service} cluster IP, nftables DNAT)", _ => service, inPod, 3),
            };
            foreach (var path in paths)
            {
                await WarmUpAsync(path, ct);
            }
            context.Log($"{Name}: node port {nodePort} answers from all {Replicas} pods through the relay and the kernel, cluster IP {service} the client pod");

            // Each path with one socket per client, then with a socket per datagram; a case's baseline is its path's in the same mode.
            var cases = new[] { false, true }
                .SelectMany(newFlow => paths.Select((p, i) => new Case(newFlow ? $"{p.Name}, a new flow per datagram" : p.Name, p, newFlow, i)))
                .ToArray();
            var totals = new (long Answered, long Sent, long Lost, double Seconds, HostUdpCounters? Counters)[cases.Length];
            var dnats = new long[cases.Length];
            var rejections = new long[cases.Length];
            var latencies = cases.Select(c => new LatencySamples($"{c.Name}: round trip, all rounds")).ToArray();
            for (var r = 1; r <= Rounds; r++)
            {
                for (var c = 0; c < cases.Length; c++)
                {
                    var before = HostUdpCounters.Read();
                    var dnatBefore = await KernelDnatCount.ReadAsync(node.Bridge, ct);
                    var capBefore = await KernelDnatCount.PodCapRejectionsAsync(node.Bridge, ct);
                    var result = await UdpLoadGenerator.RunAsync(Clients, cases[c].Path.Target, round, ct, cases[c].NewFlowPerDatagram, cases[c].Path.NewSocket);
                    var counters = HostUdpCounters.Read().Since(before);
                    var dnat = await KernelDnatCount.ReadAsync(node.Bridge, ct) - dnatBefore;
                    dnats[c] += dnat;
                    var capped = await KernelDnatCount.PodCapRejectionsAsync(node.Bridge, ct) - capBefore;
                    rejections[c] += capped;
                    if (result.Lost > 0 && cases[c].Path.NewSocket is not null)
                    {
                        context.Log($"{Name}: {cases[c].Name}: the client pod's conntrack entries now: {ConntrackSample(clientIp)}");
                    }
                    totals[c] = (totals[c].Answered + result.RoundTrips.Count, totals[c].Sent + result.Sent, totals[c].Lost + result.Lost,
                        totals[c].Seconds + result.Elapsed.TotalSeconds, counters.Plus(totals[c].Counters));
                    foreach (var ms in result.RoundTrips)
                    {
                        latencies[c].AddMilliseconds(ms);
                    }
                    context.Log(string.Create(CultureInfo.InvariantCulture,
                        $"{Name}: {cases[c].Name}, round {r}: {result.AnsweredPerSecond:F0} answered/s, {result.Lost} lost of {result.Sent}, by pod {string.Join(" ", result.ByPod.Select(kv => $"{kv.Key}={kv.Value}"))}; {counters}; kernel DNATs {dnat}; pod conntrack cap rejections {capped}"));
                }
            }
            var summaries = new LatencySummary?[cases.Length];
            var rates = new double[cases.Length];
            for (var c = 0; c < cases.Length; c++)
            {
                // A case nothing answered has no round trips to summarize: its zero rate and its losses say it.
                summaries[c] = latencies[c].Count > 0 ? report.Add(latencies[c], $"answered datagrams of {Rounds} rounds of {round.TotalSeconds:F0} s, {Clients} clients") : null;
                rates[c] = totals[c].Answered / totals[c].Seconds;
                report.Add($"{cases[c].Name}: answered datagrams per second", rates[c], "/s", $"mean over {Rounds} rounds");
                report.Add($"{cases[c].Name}: datagrams lost", totals[c].Lost, "datagrams", $"of {totals[c].Sent} sent; no answer within 500 ms");
                if (cases[c].Path.NewSocket is not null)
                {
                    report.Add($"{cases[c].Name}: new flows the node's per-pod conntrack cap rejected", rejections[c], "flows",
                        "the agent's --conntrack-max-per-pod (4096 by default): a pod past it gets ICMP admin-prohibited for each new flow");
                }
                if (totals[c].Counters is { } counters)
                {
                    if (cases[c].NewFlowPerDatagram)
                    {
                        if (cases[c].Path.Name.Contains("kernel", StringComparison.Ordinal))
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
                var baseline = Array.FindIndex(cases, b => b.Index == cases[c].Path.Baseline && b.NewFlowPerDatagram == cases[c].NewFlowPerDatagram);
                if (c == baseline)
                {
                    continue;
                }
                report.Add($"{cases[c].Name}: answered/s ÷ direct", rates[c] / rates[baseline], "×", string.Create(CultureInfo.InvariantCulture, $"{rates[c]:F0}/s against {rates[baseline]:F0}/s"));
                if (summaries[c] is not { } mine || summaries[baseline] is not { } theirs)
                {
                    continue;
                }
                report.Add($"{cases[c].Name}: p50 round trip ÷ direct", mine.P50 / theirs.P50, "×", string.Create(CultureInfo.InvariantCulture, $"{mine.P50:F3} ms against {theirs.P50:F3} ms"));
                report.Add($"{cases[c].Name}: p99 round trip ÷ direct", mine.P99 / theirs.P99, "×", string.Create(CultureInfo.InvariantCulture, $"{mine.P99:F3} ms against {theirs.P99:F3} ms"));
            }
            context.Log(string.Create(CultureInfo.InvariantCulture, $"{Name}: {string.Join("; ", cases.Select((c, i) => $"{c.Name} {rates[i]:F0}/s"))}"));
        }
        finally
        {
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, UdpEchoWorkload.App);
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, UdpEchoWorkload.ClientApp);
        }
    }

    /// <summary>For a round that lost datagrams from the pod: how many of the host's conntrack entries involve its address, how many unreplied, and a few of them.</summary>
    private static string ConntrackSample(string address)
    {
        const string table = "/proc/net/nf_conntrack";
        if (!File.Exists(table))
        {
            return "(no /proc/net/nf_conntrack)";
        }
        var needle = "src=" + address + " ";
        var lines = File.ReadLines(table).Where(l => l.Contains(needle, StringComparison.Ordinal)).ToList();
        var unreplied = lines.Where(l => l.Contains("[UNREPLIED]", StringComparison.Ordinal)).ToList();
        return $"{lines.Count} entries, {unreplied.Count} unreplied; e.g. {string.Join(" | ", unreplied.Take(3).Concat(lines.Where(l => !l.Contains("[UNREPLIED]", StringComparison.Ordinal)).Take(2)))}";
    }

    /// <summary>A way to the echo pods: where client c sends, how its sockets are made (null: the host's), and the index of the path it is compared with.</summary>
    private sealed record Path(string Name, Func<int, IPEndPoint> Target, Func<Socket>? NewSocket, int Baseline);

    /// <summary>One measured case: a path (Index: its place among the paths) with one socket per client or a new one per datagram.</summary>
    private sealed record Case(string Name, Path Path, bool NewFlowPerDatagram, int Index);

    /// <summary>Waits until datagrams on <paramref name="path"/> are answered by every pod (a path's first flows may find it not yet written).</summary>
    private static async Task WarmUpAsync(Path path, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var result = await UdpLoadGenerator.RunAsync(Clients, path.Target, TimeSpan.FromSeconds(1), ct, newSocket: path.NewSocket);
            if (result.ByPod.Count == Replicas)
            {
                return;
            }
            if (waited.Elapsed > LoadPhases.SettleTimeout)
            {
                throw new TimeoutException($"{path.Name}: answers from {result.ByPod.Count} of {Replicas} pods");
            }
        }
    }
}
