using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Probes;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// Issue 36's service-path figures, one run, same clients: the load test's Deployment straight at the pod IPs,
/// through its NodePort on the node's address (the kernel's DNAT: the node runs `--proxy-mode nftables`, as kube-proxy
/// serves node ports), through its NodePort on 127.0.0.1 (the relay, which kube-proxy's nftables mode does not serve and
/// this node keeps for it), through the node's Ingress controller, and through Debian's nginx configured as a
/// reverse proxy to the same pod IPs (the Ingress peer), in alternating rounds so a drift of the machine hits
/// each. The NodePort is also measured as a NodePort's clients reach it, from LAN hosts (<see cref="LanClient"/>: a
/// network namespace routed through the node), against the same hosts straight to the pod IPs. Reported: throughput of each ÷ direct (targets: the kernel NodePort ≥ 0.9, Ingress ≥ 0.7), the p50/p99 latency
/// each adds over direct, and then failed requests through the Ingress while pods are SIGKILLed and rolled.
/// </summary>
internal sealed class IngressLoadScenario : IScenario
{
    private const int Clients = 80;
    private const int Replicas = 3;
    private const int Rounds = 2;

    /// <summary>The kernel's first SYN retransmission timeout: an answer this late waited for a lost SYN or SYN-ACK.</summary>
    private const double SlowMilliseconds = 1000;

    public string Name => "ingress-load";

    public string Description => $"{Clients} clients: direct to {Replicas} pods vs NodePort (kernel, relay) vs the Ingress vs nginx (same pods), alternating; then SIGKILLs and rollouts behind the Ingress";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 180 : 560);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var round = TimeSpan.FromSeconds(context.Quick ? 3 : 15);
        var phase = TimeSpan.FromSeconds(context.Quick ? 10 : 60);
        var cap = context.Quick ? 300_000 : 2_000_000;
        var ingressPort = NodeServer.FreePort();
        using var markers = MarkerDirectory.Create("ingress-load");
        await using var node = await NodeServer.StartAsync(context, ct, ingressHttpPort: ingressPort, proxyMode: "nftables");
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await PodSetWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, TrafficWorkload.Namespace, ct);
        var nodePort = await TrafficWorkload.CreateAsync(api, Replicas, markers.Path, ct);
        await api.CreateAsync($"/apis/networking.k8s.io/v1/namespaces/{TrafficWorkload.Namespace}/ingresses", Ingress(), ct);
        try
        {
            await watch.WaitAsync(pods => LoadPhases.Settled(pods, TrafficWorkload.Images[0], Replicas), LoadPhases.SettleTimeout, $"{Replicas} web pods Ready", ct);
            var viaNodePort = new IPEndPoint(IPAddress.Loopback, nodePort);
            var viaIngress = new IPEndPoint(IPAddress.Loopback, ingressPort);
            await LoadPhases.WarmUpAsync(viaNodePort, Replicas, "the NodePort", ct);
            await LoadPhases.WarmUpAsync(viaIngress, Replicas, "the Ingress", ct);
            var viaKernel = new IPEndPoint(await node.InternalAddressAsync(api, ct), nodePort);
            await LoadPhases.WarmUpAsync(viaKernel, Replicas, "the NodePort through the kernel", ct);
            var ips = (await TrafficWorkload.PodsAsync(api, ct)).Where(p => p.Ready && p.Ip is not null).Select(p => new IPEndPoint(p.Ip!, TrafficWorkload.ContainerPort)).ToArray();

            await using var nginx = NginxPeer.Installed ? await NginxPeer.StartAsync(ips, ct) : null;
            if (nginx is null)
            {
                report.Notes.Add("nginx is not installed (/usr/sbin/nginx): no Ingress peer in this run.");
            }
            else
            {
                await LoadPhases.WarmUpAsync(nginx.Endpoint, Replicas, "nginx", ct);
            }
            context.Log($"{Name}: NodePort {nodePort} (kernel on {viaKernel.Address}, relay on 127.0.0.1), Ingress {ingressPort}{(nginx is null ? "" : $", nginx {nginx.Endpoint.Port}")} answer from all {Replicas} pods");

            await using var lan = await LanClient.CreateAsync(ct);
            Func<Task<Socket>> straightFromLan = () => lan.NewSocketAsync(0);
            Func<Task<Socket>> fromLan = () => lan.NewSocketAsync(1);
            // Each front's throughput is divided by its baseline's: the same clients straight to the pod IPs from the same place.
            var fronts = new List<Front>
            {
                new("direct to the pod IPs", n => ips[n % ips.Length], null, 0),
                new($"through the NodePort ({viaKernel.Address}, kernel DNAT)", _ => viaKernel, null, 0),
                new("through the Ingress (127.0.0.1)", _ => viaIngress, null, 0),
                new("through the NodePort (127.0.0.1, the relay)", _ => viaNodePort, null, 0),
                new("from a LAN host: direct to the pod IPs", n => ips[n % ips.Length], straightFromLan, 4),
                new($"from a LAN host: through the NodePort ({viaKernel.Address}, kernel DNAT)", _ => viaKernel, fromLan, 4),
            };
            if (nginx is not null)
            {
                fronts.Add(new("through nginx to the pod IPs (peer)", _ => nginx.Endpoint, null, 0));
            }
            await LoadPhases.WarmUpAsync(viaKernel, Replicas, "the NodePort through the kernel from a LAN host", ct, fromLan);
            var rates = new double[fronts.Count];
            var latencies = fronts.Select(f => new LatencySamples($"{f.Name}: request latency, all rounds")).ToArray();
            // A closed-loop client that waits a second for a retransmitted SYN sends nothing meanwhile: a few such
            // requests in a thousand take a tenth off a front's throughput while its median is the same.
            var slow = new int[fronts.Count];
            var counters = new TcpPathCounters?[fronts.Count];
            var podNetns = (await TrafficWorkload.PodsAsync(api, ct)).Where(p => p.Ready).Select(p => PodSockets.NamespaceOf(p.Uid)).ToArray();
            for (var r = 1; r <= Rounds; r++)
            {
                for (var f = 0; f < fronts.Count; f++)
                {
                    var before = TcpPathCounters.Read(podNetns);
                    var samples = await LoadGenerator.RunAsync(Clients, fronts[f].Target, round, cap, ct, fronts[f].NewSocket);
                    counters[f] = TcpPathCounters.Read(podNetns).Since(before).Plus(counters[f]);
                    rates[f] += LoadPhases.Record(report, $"{fronts[f].Name}, round {r}", samples, "alternating rounds, same clients") / Rounds;
                    foreach (var s in samples.Where(s => s.Error is null))
                    {
                        latencies[f].AddMilliseconds(s.Milliseconds);
                        slow[f] += s.Milliseconds >= SlowMilliseconds ? 1 : 0;
                    }
                }
            }
            var summaries = latencies.Select(l => report.Add(l, "answered requests of every round")).ToArray();
            for (var f = 0; f < fronts.Count; f++)
            {
                report.Add($"{fronts[f].Name}: requests answered after {SlowMilliseconds / 1000:F0} s or more, all rounds", slow[f], "requests",
                    $"a SYN (or its answer) sent again after the kernel's 1 s timeout; over the rounds: {counters[f]}");
            }
            for (var f = 0; f < fronts.Count; f++)
            {
                var b = fronts[f].Baseline;
                if (b == f)
                {
                    continue;
                }
                report.Add($"{fronts[f].Name}: throughput ÷ direct", rates[f] / rates[b], "×", $"mean of {Rounds} rounds: {rates[f]:F0}/s against {rates[b]:F0}/s");
                report.Add($"{fronts[f].Name}: p50 latency added over direct", summaries[f].P50 - summaries[b].P50, "ms");
                report.Add($"{fronts[f].Name}: p99 latency added over direct", summaries[f].P99 - summaries[b].P99, "ms");
            }
            // Targets are "at most", so the ratios are checked as direct ÷ front.
            report.Target("direct ÷ NodePort throughput, kernel DNAT, clients on the node (target: NodePort ≥ 0.9× direct)", rates[0] / rates[1], 1 / 0.9, "×");
            report.Target("direct ÷ NodePort throughput, kernel DNAT, clients on a LAN host (target: NodePort ≥ 0.9× direct)", rates[4] / rates[5], 1 / 0.9, "×");
            report.Target("direct ÷ Ingress throughput (target: Ingress ≥ 0.7× direct)", rates[0] / rates[2], 1 / 0.7, "×");
            if (nginx is not null)
            {
                report.Add("the Ingress ÷ nginx throughput", rates[2] / rates[6], "×", "above 1: Axolotl's Ingress moved more requests than nginx in the same run");
            }
            context.Log($"{Name}: direct {rates[0]:F0}/s, NodePort {rates[1]:F0}/s (kernel), {rates[3]:F0}/s (relay), Ingress {rates[2]:F0}/s{(nginx is null ? "" : $", nginx {rates[6]:F0}/s")}; from a LAN host direct {rates[4]:F0}/s, NodePort {rates[5]:F0}/s (kernel)");

            var phases = new LoadPhases(Name, Clients, Replicas, TimeSpan.FromSeconds(context.Quick ? 5 : 10));
            await phases.KillAsync(context, report, api, viaIngress, "(Ingress a)", phase, cap, ct);
            await phases.RolloutAsync(context, report, api, watch, viaIngress, "(Ingress b)", phase, cap, ct);
        }
        finally
        {
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, TrafficWorkload.App);
        }
    }

    /// <summary>A way in: where each request goes, where its socket is made (null: the bench's own namespace, the node's)
    /// and which front's throughput it is divided by.</summary>
    private sealed record Front(string Name, Func<long, IPEndPoint> Target, Func<Task<Socket>>? NewSocket, int Baseline);

    /// <summary>No host: the load generator's "Host: bench" matches, as any host would.</summary>
    private static byte[] Ingress() => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "Ingress",
        ["metadata"] = new JsonObject { ["name"] = TrafficWorkload.App, ["namespace"] = TrafficWorkload.Namespace },
        ["spec"] = new JsonObject
        {
            ["rules"] = new JsonArray(new JsonObject
            {
                ["http"] = new JsonObject
                {
                    ["paths"] = new JsonArray(new JsonObject
                    {
                        ["path"] = "/",
                        ["pathType"] = "Prefix",
                        ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = TrafficWorkload.App, ["port"] = new JsonObject { ["number"] = 80 } } },
                    }),
                },
            }),
        },
    });
}
