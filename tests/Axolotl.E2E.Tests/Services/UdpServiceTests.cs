using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;
using static Axolotl.E2E.Tests.Services.UdpPodKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// UDP Service ports through the service proxy: a UDP echo server behind a cluster IP (asked from a
/// pod), a node port and a load balancer address (asked from the host); replies come from the
/// Service's address; with sessionAffinity ClientIP one client's flows stay on one pod. SCTP is refused
/// with a Status naming the field.
/// </summary>
[Collection(SharedServerBCollection.Name)]
public sealed class UdpServiceTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task A_udp_cluster_ip_answers_a_pod_from_the_service_address_and_spreads_its_flows()
    {
        var ns = await fx.NewNamespaceAsync("udp-cip");
        await ApplyAsync(fx, EchoPods(ns, "echo", "udp-a", "udp-b") + UdpService(ns, "echo", "echo", 53));
        await UntilReadyAsync(fx, ns, "udp-a", "udp-b");
        var clusterIp = await JsonPathAsync(fx, ns, "service/echo", "{.spec.clusterIP}");
        Assert.Matches(@"echo\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+53/UDP", await fx.Kubectl.OkAsync("get", "service", "echo", "-n", ns));
        await StartClientPodAsync(fx, ns);

        var answers = await Eventually.UntilAsync(() => AskFromPodAsync(fx, ns, clusterIp, 53, 8), a => a.Count == 8 && a.Select(x => x.Pod).Distinct().Count() == 2,
            "eight UDP flows from a pod answered by both echo pods", Slow);

        Assert.All(answers, a => Assert.Equal($"{clusterIp}:53", a.From));
        Assert.All(answers, a => Assert.Matches(@"^ping\d$", a.Payload));
    }

    [Fact]
    public async Task Network_policy_judges_a_udp_flow_through_a_cluster_ip_by_its_protocol_and_client_pod()
    {
        var ns = await fx.NewNamespaceAsync("udp-netpol");
        await ApplyAsync(fx, EchoPods(ns, "echo", "udp-p") + UdpService(ns, "echo", "echo", 53));
        await UntilReadyAsync(fx, ns, "udp-p");
        var clusterIp = await JsonPathAsync(fx, ns, "service/echo", "{.spec.clusterIP}");
        await StartClientPodAsync(fx, ns);
        await Eventually.UntilAsync(() => AskFromPodAsync(fx, ns, clusterIp, 53, 1), a => a.Count == 1, "the client answered before any policy", Slow);

        // The client may reach the echo pod on 5353 over TCP only: its UDP flow through the Service is dropped, as
        // it would be straight to the pod (the relay sends from the node, so it asks the policy itself).
        await ApplyAsync(fx, EchoIngressPolicy(ns, "TCP"));
        await Eventually.UntilAsync(() => AskFromPodAsync(fx, ns, clusterIp, 53, 1), a => a.Count == 0, "a TCP-only allowance to drop the UDP flow", Slow);

        await ApplyAsync(fx, EchoIngressPolicy(ns, "UDP"));
        var answers = await Eventually.UntilAsync(() => AskFromPodAsync(fx, ns, clusterIp, 53, 2), a => a.Count == 2, "the UDP allowance to let the flows through", Slow);
        Assert.All(answers, a => Assert.Equal("udp-p", a.Pod));
    }

    private static string EchoIngressPolicy(string ns, string protocol) => $$"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: echo-from-client, namespace: {{ns}} }
        spec:
          podSelector: {matchLabels: {app: echo} }
          ingress:
          - from:
            - podSelector: {matchLabels: {run: client} }
            ports:
            - {protocol: {{protocol}}, port: 5353}
        """;

    [Fact]
    public async Task A_udp_node_port_and_load_balancer_address_answer_the_host()
    {
        var ns = await fx.NewNamespaceAsync("udp-ext");
        // A port of its own: every test server's load balancer listens on the same node address.
        var port = 19000 + (Environment.ProcessId % 1000) + (fx.Server.Port % 1000);
        await ApplyAsync(fx, EchoPods(ns, "echo", "udp-c") + UdpService(ns, "echo-np", "echo", 53, type: "NodePort") + UdpService(ns, "echo-lb", "echo", port, type: "LoadBalancer"));
        await UntilReadyAsync(fx, ns, "udp-c");

        var nodePort = int.Parse(await JsonPathAsync(fx, ns, "service/echo-np", "{.spec.ports[0].nodePort}"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches($@"echo-np\s+NodePort\s+10\.96\.\d+\.\d+\s+<none>\s+53:{nodePort}/UDP", await fx.Kubectl.OkAsync("get", "service", "echo-np", "-n", ns));
        var viaNodePort = await Eventually.UntilAsync(() => AskFromHostAsync(IPAddress.Loopback, nodePort, "np"), a => a is not null, "the UDP node port on 127.0.0.1", Slow);
        Assert.Equal(("udp-c:np", new IPEndPoint(IPAddress.Loopback, nodePort)), viaNodePort!.Value);

        var ip = IPAddress.Parse(await UntilJsonPathAsync(fx, ns, "service/echo-lb", "{.status.loadBalancer.ingress[0].ip}", s => s.Length > 0, "an ingress IP"));
        var viaLoadBalancer = await Eventually.UntilAsync(() => AskFromHostAsync(ip, port, "lb"), a => a is not null, "the UDP load balancer address", Slow);
        Assert.Equal(("udp-c:lb", new IPEndPoint(ip, port)), viaLoadBalancer!.Value);
    }

    [Fact]
    public async Task With_client_ip_affinity_every_udp_flow_of_a_pod_goes_to_one_echo_pod()
    {
        var ns = await fx.NewNamespaceAsync("udp-sticky");
        await ApplyAsync(fx, EchoPods(ns, "echo", "sticky-a", "sticky-b", "sticky-c") + UdpService(ns, "echo", "echo", 53, affinity: true));
        await UntilReadyAsync(fx, ns, "sticky-a", "sticky-b", "sticky-c");
        var clusterIp = await JsonPathAsync(fx, ns, "service/echo", "{.spec.clusterIP}");
        Assert.Equal("10800", await JsonPathAsync(fx, ns, "service/echo", "{.spec.sessionAffinityConfig.clientIP.timeoutSeconds}"));
        await StartClientPodAsync(fx, ns);

        var answers = await Eventually.UntilAsync(() => AskFromPodAsync(fx, ns, clusterIp, 53, 9), a => a.Count == 9, "nine UDP flows answered", Slow);

        Assert.Single(answers.Select(a => a.Pod).Distinct());
    }

    [Fact]
    public async Task A_udp_host_port_forwards_the_nodes_port_to_the_pod()
    {
        var ns = await fx.NewNamespaceAsync("udp-hostport");
        var hostPort = FreeUdpAndTcpPort();
        var pod = EchoPods(ns, "echo", "udp-h").Replace("protocol: UDP", $"protocol: UDP\n      hostPort: {hostPort}", StringComparison.Ordinal);
        await ApplyAsync(fx, pod);
        await UntilReadyAsync(fx, ns, "udp-h");

        var answer = await Eventually.UntilAsync(() => AskFromHostAsync(IPAddress.Loopback, hostPort, "hp"), a => a is not null, "the UDP host port on 127.0.0.1", Slow);

        Assert.Equal(("udp-h:hp", new IPEndPoint(IPAddress.Loopback, hostPort)), answer!.Value);
    }

    [Fact]
    public async Task An_sctp_port_is_refused_with_a_status_naming_the_field()
    {
        var ns = await fx.NewNamespaceAsync("sctp");
        var manifest = $"""
            apiVersion: v1
            kind: Service
            metadata:
              name: sig
              namespace: {ns}
            spec:
              selector:
                app: sig
              ports:
              - port: 2905
                protocol: SCTP
            """;

        var result = await fx.Kubectl.RunAsync(["create", "-f", "-"], manifest);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("The Service \"sig\" is invalid: spec.ports[0].protocol: Unsupported value: \"SCTP\": supported values: \"TCP\", \"UDP\" (SCTP is not supported", result.Output);
        Assert.Contains("NotFound", (await fx.Kubectl.RunAsync("get", "service", "sig", "-n", ns)).Output);
    }

    /// <summary>A port free for UDP and TCP on every address, below the ephemeral range (where flows' and resolvers' sockets come and go).</summary>
    private static int FreeUdpAndTcpPort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = 20000 + Random.Shared.Next(10000);
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Any, port));
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Any, port));
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
                // Taken; try another.
            }
        }
    }

    /// <summary>One datagram from a fresh host socket; the answer and where it came from, or null after 2 s.</summary>
    private static async Task<(string Answer, IPEndPoint From)?> AskFromHostAsync(IPAddress address, int port, string text)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(address, port);
        await socket.SendToAsync(Encoding.ASCII.GetBytes(text), target);
        var buffer = new byte[2048];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
            return (Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // Lost, or refused (port unreachable) while the endpoint or the listener is not there yet.
            return null;
        }
    }
}
