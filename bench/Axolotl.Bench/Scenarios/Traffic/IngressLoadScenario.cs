using System.Net;
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
/// each. Reported: throughput of each ÷ direct (targets: the kernel NodePort ≥ 0.9, Ingress ≥ 0.7), the p50/p99 latency
/// each adds over direct, and then failed requests through the Ingress while pods are SIGKILLed and rolled.
/// </summary>
internal sealed class IngressLoadScenario : IScenario
{
    private const int Clients = 80;
    private const int Replicas = 3;
    private const int Rounds = 2;

    public string Name => "ingress-load";

    public string Description => $"{Clients} clients: direct to {Replicas} pods vs NodePort (kernel, relay) vs the Ingress vs nginx (same pods), alternating; then SIGKILLs and rollouts behind the Ingress";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 150 : 480);

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

            var fronts = new List<(string Name, Func<long, IPEndPoint> Target)>
            {
                ("direct to the pod IPs", n => ips[n % ips.Length]),
                ($"through the NodePort ({viaKernel.Address}, kernel DNAT)", _ => viaKernel),
                ("through the Ingress (127.0.0.1)", _ => viaIngress),
                ("through the NodePort (127.0.0.1, the relay)", _ => viaNodePort),
            };
            if (nginx is not null)
            {
                fronts.Add(("through nginx to the pod IPs (peer)", _ => nginx.Endpoint));
            }
            var rates = new double[fronts.Count];
            var latencies = fronts.Select(f => new LatencySamples($"{f.Name}: request latency, all rounds")).ToArray();
            for (var r = 1; r <= Rounds; r++)
            {
                for (var f = 0; f < fronts.Count; f++)
                {
                    var samples = await LoadGenerator.RunAsync(Clients, fronts[f].Target, round, cap, ct);
                    rates[f] += LoadPhases.Record(report, $"{fronts[f].Name}, round {r}", samples, "alternating rounds, same clients") / Rounds;
                    foreach (var s in samples.Where(s => s.Error is null))
                    {
                        latencies[f].AddMilliseconds(s.Milliseconds);
                    }
                }
            }
            var summaries = latencies.Select(l => report.Add(l, "answered requests of every round")).ToArray();
            for (var f = 1; f < fronts.Count; f++)
            {
                report.Add($"{fronts[f].Name}: throughput ÷ direct", rates[f] / rates[0], "×", $"mean of {Rounds} rounds: {rates[f]:F0}/s against {rates[0]:F0}/s");
                report.Add($"{fronts[f].Name}: p50 latency added over direct", summaries[f].P50 - summaries[0].P50, "ms");
                report.Add($"{fronts[f].Name}: p99 latency added over direct", summaries[f].P99 - summaries[0].P99, "ms");
            }
            // Targets are "at most", so the ratios are checked as direct ÷ front.
            report.Target("direct ÷ NodePort throughput, kernel DNAT (target: NodePort ≥ 0.9× direct)", rates[0] / rates[1], 1 / 0.9, "×");
            report.Target("direct ÷ Ingress throughput (target: Ingress ≥ 0.7× direct)", rates[0] / rates[2], 1 / 0.7, "×");
            if (nginx is not null)
            {
                report.Add("the Ingress ÷ nginx throughput", rates[2] / rates[4], "×", "above 1: Axolotl's Ingress moved more requests than nginx in the same run");
            }
            context.Log($"{Name}: direct {rates[0]:F0}/s, NodePort {rates[1]:F0}/s (kernel), {rates[3]:F0}/s (relay), Ingress {rates[2]:F0}/s{(nginx is null ? "" : $", nginx {rates[4]:F0}/s")}");

            var phases = new LoadPhases(Name, Clients, Replicas, TimeSpan.FromSeconds(context.Quick ? 5 : 10));
            await phases.KillAsync(context, report, api, viaIngress, "(Ingress a)", phase, cap, ct);
            await phases.RolloutAsync(context, report, api, watch, viaIngress, "(Ingress b)", phase, cap, ct);
        }
        finally
        {
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, TrafficWorkload.App);
        }
    }

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
