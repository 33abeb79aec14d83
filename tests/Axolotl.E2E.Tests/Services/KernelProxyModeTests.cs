using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>A server whose service proxy runs in `--proxy-mode nftables` (ADR 0030).</summary>
public sealed class KernelProxyServerFixture : ServiceServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--proxy-mode", "nftables"];
}

/// <summary>
/// `--proxy-mode nftables` (ADR 0030): the kernel serves a NodePort Service's node address and cluster IP, for the
/// node's own clients and for pods, while the relay listens on neither (it keeps 127.0.0.1); the rules' counters
/// count the connections; a pod keeps its address through the cluster IP (masqueraded only when it reaches itself);
/// a pod going unready leaves the rules; NetworkPolicy refuses a pod the policy does not allow through the cluster IP.
/// A UDP cluster IP is the kernel's too, and a replaced endpoint takes over a client socket's flow at once (the proxy
/// deletes the stale conntrack entry); the cluster DNS still answers. An unknown mode is refused at the start.
/// </summary>
public sealed partial class KernelProxyModeTests(KernelProxyServerFixture fx) : IClassFixture<KernelProxyServerFixture>
{
    [Fact]
    public async Task The_kernel_serves_the_node_port_and_the_cluster_ip_without_the_relay_and_follows_readiness()
    {
        var ns = await fx.NewNamespaceAsync("kernel");
        await ApplyAsync(fx, PeerDeployment(ns) + SelectorService(ns, "web", "web", 80, "8080", type: "NodePort") + "---\n" + Client(ns, "friend") + "---\n" + Client(ns, "stranger"));
        await UntilJsonPathAsync(fx, ns, "deployment/web", "{.status.readyReplicas}", s => s == "2", "2 ready replicas");
        var nodePort = int.Parse(await JsonPathAsync(fx, ns, "service/web", "{.spec.ports[0].nodePort}"), CultureInfo.InvariantCulture);
        var clusterIp = await JsonPathAsync(fx, ns, "service/web", "{.spec.clusterIP}");
        var nodeIp = (await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}")).Trim();
        var pods = (await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.podIP}{\"\\n\"}{end}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(2, pods.Count);
        var podCidr = (await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.spec.podCIDR}")).Trim();
        var gateway = podCidr.Split('/')[0][..podCidr.LastIndexOf('.')] + ".1";
        var table = $"axolotl_standby_{fx.Server.Bridge}";
        var viaNodePort = $"http://{nodeIp}:{nodePort}/";
        var viaClusterIp = $"http://{clusterIp}/";

        // The kernel has both frontends for the node's own clients, and the relay lets go of them (it keeps 127.0.0.1).
        await Eventually.UntilAsync(() => NftAsync(table),
            t => t.Contains($"{nodeIp} . {nodePort} : jump", StringComparison.Ordinal) && t.Contains($"{clusterIp} . 80 : jump", StringComparison.Ordinal)
                && LocalFrontends(t).Contains($"{nodeIp} . {nodePort}", StringComparison.Ordinal), "both frontends in the kernel table", Slow);
        await Eventually.UntilAsync(() => ListenersAsync(), l => !l.Contains($"{nodeIp}:{nodePort}", StringComparison.Ordinal) && !l.Contains($"{clusterIp}:80", StringComparison.Ordinal),
            "the relay not listening on the node address's node port nor the cluster IP", Slow);
        var before = Counted(await NftAsync(table));

        foreach (var url in new[] { viaNodePort, viaClusterIp })
        {
            var answers = await AnswersAsync(url, 16);
            Assert.All(answers, a => Assert.StartsWith("Hello from web-", a ?? "<failed>", StringComparison.Ordinal));
            Assert.Equal(2, answers.Count);
        }
        // Nothing but the kernel could have answered: no socket of the relay's on either frontend, and the rules counted the connections.
        var listeners = await ListenersAsync();
        Assert.DoesNotContain($"{nodeIp}:{nodePort}", listeners, StringComparison.Ordinal);
        Assert.DoesNotContain($"{clusterIp}:80", listeners, StringComparison.Ordinal);
        // A nat chain sees the first packet of each connection only.
        Assert.True(Counted(await NftAsync(table)) - before >= 32, "the kernel rules counted fewer than the 32 connections");
        // The relay keeps the loopback node port (no route_localnet, as kube-proxy's nftables mode).
        Assert.Contains($"127.0.0.1:{nodePort}", listeners, StringComparison.Ordinal);
        Assert.StartsWith("Hello from web-", await GetAsync($"http://127.0.0.1:{nodePort}/") ?? "<failed>", StringComparison.Ordinal);

        // The node's own client through its node port to a pod on this node is not masqueraded (the pod answers through the
        // node either way; kube-proxy masquerades it to the gateway): the pod sees the node address the client connected from.
        // Checked only while no other node's service table is on this machine: every node's postrouting masquerades marked
        // connections that leave by another bridge than its own (one mark bit per host, ADR 0030), so another server of
        // the suite running beside this one would masquerade it.
        var othersBefore = await OtherServiceTablesAsync(table);
        var peer = (await GetAsync($"{viaNodePort}cgi-bin/peer") ?? "<failed>").Trim().Split(' ');
        if (othersBefore == 0 && await OtherServiceTablesAsync(table) == 0)
        {
            Assert.Equal(nodeIp, peer[^1].Replace("[::ffff:", "", StringComparison.Ordinal).TrimEnd(']'));
        }

        // A pod through the cluster IP keeps its address at the other pod; reaching itself (hairpin), it is masqueraded to the gateway.
        var (client, clientIp) = pods.First();
        var seen = new HashSet<string>();
        for (var i = 0; i < 20 && !seen.Contains("other"); i++)
        {
            var answer = (await fx.Kubectl.OkAsync("exec", client, "-n", ns, "--", "wget", "-qO-", $"http://{clusterIp}/cgi-bin/peer")).Trim().Split(' ');
            var self = answer[0] == client;
            // httpd listens dual-stack: "[::ffff:a.b.c.d]".
            Assert.Equal(self ? gateway : clientIp, answer[1].Replace("[::ffff:", "", StringComparison.Ordinal).TrimEnd(']'));
            seen.Add(self ? "self" : "other");
        }
        Assert.Contains("other", seen);

        // Readiness: an unready pod leaves the rules; every answer is the other pod's.
        var (unready, unreadyIp) = pods.Last();
        await fx.Kubectl.OkAsync("exec", unready, "-n", ns, "--", "rm", "/tmp/ready");
        await Eventually.UntilAsync(() => NftAsync(table), t => !t.Contains(unreadyIp + " . 8080", StringComparison.Ordinal), $"{unready} out of the kernel table", Slow);
        foreach (var url in new[] { viaNodePort, viaClusterIp })
        {
            Assert.Equal([$"Hello from {client}"], await AnswersAsync(url, 8));
        }

        // NetworkPolicy judges pod → cluster IP → pod by the client pod's own address (the relay, which asks the policy
        // itself, is not listening there): a policy that lets only "friend" in refuses "stranger" through the cluster IP.
        await UntilReadyAsync(fx, ns, "friend", "stranger");
        Assert.Equal($"Hello from {client}", await PodGetAsync(ns, "stranger", clusterIp));
        await ApplyAsync(fx, $$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: friends-only, namespace: {{ns}} }
            spec:
              podSelector: {matchLabels: {app: web} }
              ingress:
              - from:
                - podSelector: {matchLabels: {role: friend} }
            """);
        await Eventually.UntilAsync(() => PodGetAsync(ns, "stranger", clusterIp), got => got == "", "the policy to refuse stranger → cluster IP", Slow);
        Assert.Equal($"Hello from {client}", await PodGetAsync(ns, "friend", clusterIp));
    }

    [Fact]
    public async Task The_kernel_serves_a_udp_cluster_ip_and_a_replaced_endpoint_takes_over_the_same_client_socket_at_once()
    {
        var ns = await fx.NewNamespaceAsync("kernel-udp");
        // udp-b starts outside the Service (another label), so it has an address of its own when it replaces udp-a
        // (a pod made after udp-a's deletion may get udp-a's freed address back, and nothing would tell the two apart).
        await ApplyAsync(fx, UdpEchoPod(ns, "udp-a") + "---\n" + UdpEchoPod(ns, "udp-b", "udp-waiting") + """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: echo
              namespace: NS
            spec:
              selector: {app: udp-echo}
              ports:
              - {name: echo, port: 53, protocol: UDP, targetPort: echo}

            """.Replace("NS", ns, StringComparison.Ordinal));
        await UntilReadyAsync(fx, ns, "udp-a", "udp-b");
        var clusterIp = IPAddress.Parse(await JsonPathAsync(fx, ns, "service/echo", "{.spec.clusterIP}"));
        var table = $"axolotl_standby_{fx.Server.Bridge}";
        var ipA = await JsonPathAsync(fx, ns, "pod/udp-a", "{.status.podIP}");
        var ipB = await JsonPathAsync(fx, ns, "pod/udp-b", "{.status.podIP}");
        Assert.NotEqual(ipA, ipB);
        await Eventually.UntilAsync(() => NftAsync(table), t => UdpLocalFrontends(t).Contains($"{clusterIp} . 53", StringComparison.Ordinal) && t.Contains($"{ipA} . 5353", StringComparison.Ordinal),
            "the UDP cluster IP in the kernel table", Slow);
        await Eventually.UntilAsync(() => UdpListenersAsync(), l => !l.Contains($"{clusterIp}:53", StringComparison.Ordinal), "the relay not listening on the UDP cluster IP", Slow);

        // One client socket for the whole test: its conntrack entry is what a replaced endpoint must not inherit.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var frontend = new IPEndPoint(clusterIp, 53);
        var before = Counted(await NftAsync(table));
        var first = await Eventually.UntilAsync(() => AskAsync(client, frontend, "one"), a => a is not null, "udp-a's answer through the kernel", Slow);
        Assert.Equal(("udp-a:one", frontend), first!.Value);
        Assert.True(Counted(await NftAsync(table)) > before, "the kernel rules did not count the UDP flow");
        Assert.DoesNotContain($"{clusterIp}:53", await UdpListenersAsync(), StringComparison.Ordinal);

        // Replace the endpoint while the client keeps sending every 500 ms: its conntrack entry never idles out (30-120 s),
        // so only its deletion can let the same socket reach the new pod.
        using var keepSending = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            while (!keepSending.IsCancellationRequested)
            {
                await client.SendToAsync(Encoding.ASCII.GetBytes("keep"), frontend);
                await Task.Delay(500);
            }
        });
        await fx.Kubectl.OkAsync("delete", "pod", "udp-a", "-n", ns, "--wait=false");
        await fx.Kubectl.OkAsync("label", "pod", "udp-b", "-n", ns, "app=udp-echo", "--overwrite");
        await Eventually.UntilAsync(() => NftAsync(table), t => t.Contains($"{ipB} . 5353", StringComparison.Ordinal) && !t.Contains($"{ipA} . 5353", StringComparison.Ordinal),
            "udp-b, and only it, in the kernel table", Slow);
        await keepSending.CancelAsync();
        await sending;

        // Well inside UDP's 30 s conntrack timeout: the same socket now reaches udp-b.
        var answer = await Eventually.UntilAsync(() => AskAsync(client, frontend, "two"), a => a is { Answer: "udp-b:two" }, "udp-b's answer to the same client socket",
            TimeSpan.FromSeconds(10));
        Assert.Equal(frontend, answer!.Value.From);
        // ... because the proxy deleted the entry that pointed at udp-a (event 8407), not because it idled out.
        Assert.Contains("UDP conntrack entries that kept clients on an endpoint their Service no longer has", fx.Server.Log, StringComparison.Ordinal);

        // The cluster DNS (the process, on the pod gateway) still answers the pods in this mode.
        var resolved = await fx.Kubectl.OkAsync("exec", "udp-b", "-n", ns, "--", "python3", "-c", $"import socket; print(socket.gethostbyname('echo.{ns}.svc.cluster.local'))");
        Assert.Equal(clusterIp.ToString(), resolved.Trim());
    }

    /// <summary>Sends <paramref name="text"/> and returns the first answer that is not a keep-alive's, with its source; null after 2 s.</summary>
    private static async Task<(string Answer, IPEndPoint From)?> AskAsync(Socket client, IPEndPoint frontend, string text)
    {
        await client.SendToAsync(Encoding.ASCII.GetBytes(text), frontend);
        var buffer = new byte[2048];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            while (true)
            {
                var received = await client.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
                var answer = Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes);
                if (!answer.EndsWith(":keep", StringComparison.Ordinal))
                {
                    return (answer, (IPEndPoint)received.RemoteEndPoint);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return null;
        }
    }

    /// <summary>A UDP echo pod (app=APP, udp-echo unless told): answers each datagram on 5353 with "POD:" and the datagram.</summary>
    private static string UdpEchoPod(string ns, string name, string app = "udp-echo") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: {app: {{app}} }
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: echo
            image: python:3.11-slim
            command: ["python3", "-c", {{System.Text.Json.JsonSerializer.Serialize(UdpEcho)}}]
            ports:
            - {name: echo, containerPort: 5353, protocol: UDP}

        """;

    private const string UdpEcho = """
        import socket
        name = socket.gethostname().encode()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('', 5353))
        while True:
            data, peer = s.recvfrom(65535)
            s.sendto(name + b':' + data, peer)
        """;

    private static async Task<string> UdpListenersAsync() =>
        (await ProcessRunner.RunAsync("ss", ["-Hlun"], timeout: TimeSpan.FromSeconds(10))).Stdout;

    /// <summary>The elements of the output hook's UDP map (the node's own clients' UDP frontends).</summary>
    private static string UdpLocalFrontends(string table)
    {
        var start = table.IndexOf("map udp_local_frontends", StringComparison.Ordinal);
        return start < 0 ? "" : table[start..table.IndexOf('}', start)];
    }

    /// <summary>What <paramref name="from"/> gets on GET http://IP/ (the body's last line), or "" when the connection is dropped.</summary>
    private async Task<string> PodGetAsync(string ns, string from, string ip)
    {
        var result = await fx.Kubectl.RunAsync("exec", from, "-n", ns, "--", "sh", "-c", $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 {ip} 80 | tail -1");
        return result.ExitCode == 0 ? result.Stdout.Trim() : "";
    }

    /// <summary>A busybox pod labelled role=ROLE that only waits, to run nc in.</summary>
    private static string Client(string ns, string role) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{role}}
          namespace: {{ns}}
          labels: {role: {{role}} }
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: client
            image: busybox
            command: ["sleep", "3600"]

        """;

    [Fact]
    public async Task Client_ip_affinity_keeps_a_client_on_one_pod_in_the_kernel_until_it_is_turned_off()
    {
        var ns = await fx.NewNamespaceAsync("affinity");
        await ApplyAsync(fx, PeerDeployment(ns) + SelectorService(ns, "web", "web", 80, "8080", type: "NodePort"));
        await UntilJsonPathAsync(fx, ns, "deployment/web", "{.status.readyReplicas}", s => s == "2", "2 ready replicas");
        var nodePort = int.Parse(await JsonPathAsync(fx, ns, "service/web", "{.spec.ports[0].nodePort}"), CultureInfo.InvariantCulture);
        var clusterIp = await JsonPathAsync(fx, ns, "service/web", "{.spec.clusterIP}");
        var nodeIp = (await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}")).Trim();
        var table = $"axolotl_standby_{fx.Server.Bridge}";
        var urls = new[] { $"http://{nodeIp}:{nodePort}/", $"http://{clusterIp}/" };
        await Eventually.UntilAsync(() => NftAsync(table), t => t.Contains($"{clusterIp} . 80 : jump", StringComparison.Ordinal), "the cluster IP in the kernel table", Slow);
        // Without affinity each new connection picks at random: both pods answer.
        await Eventually.UntilAsync(() => AnswersAsync(urls[1], 16), a => a.Count == 2, "both pods answering without affinity", Slow);

        // Only this Service's endpoints' sets count: other tests on the shared server may have affinity sets of their own.
        var podIps = (await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool HasOwnSets(string t) => podIps.Any(ip => t.Contains($"_{Ipv4Hex(ip)}_8080 {{", StringComparison.Ordinal));
        await fx.Kubectl.OkAsync("patch", "service", "web", "-n", ns, "-p", """{"spec":{"sessionAffinity":"ClientIP"}}""");
        await Eventually.UntilAsync(() => NftAsync(table), t => HasOwnSets(t) && t.Contains("timeout 3h", StringComparison.Ordinal),
            "the endpoints' client sets (Kubernetes' default timeout, 10800 s, which nft prints as 3h) in the kernel table", Slow);
        foreach (var url in urls)
        {
            // The node's own address is the client each time: one pod answers all 24 connections.
            var answers = await AnswersAsync(url, 24);
            Assert.True(answers.Count == 1 && answers.Single()?.StartsWith("Hello from web-", StringComparison.Ordinal) == true,
                $"{url} with ClientIP affinity answered by {string.Join(", ", answers)}");
        }

        // Turned off, the sets go and connections spread again.
        await fx.Kubectl.OkAsync("patch", "service", "web", "-n", ns, "-p", """{"spec":{"sessionAffinity":"None"}}""");
        await Eventually.UntilAsync(() => NftAsync(table), t => !HasOwnSets(t), "the client sets gone", Slow);
        await Eventually.UntilAsync(() => AnswersAsync(urls[1], 16), a => a.Count == 2, "both pods answering again", Slow);
    }

    [Fact]
    public async Task An_unknown_proxy_mode_is_refused_before_the_start_with_the_choices()
    {
        var binary = await AxolotlServer.EnsureBuiltAsync();
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-proxymode-").FullName;
        try
        {
            var server = await ProcessRunner.RunAsync(binary, ["server", "--data-dir", dataDir, "--proxy-mode", "ipvs", "--port", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture)],
                timeout: TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, server.ExitCode);
            Assert.Contains("invalid --proxy-mode \"ipvs\": want relay or nftables", server.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dataDir));
            var agent = await ProcessRunner.RunAsync(binary, ["agent", "--server", "https://127.0.0.1:1", "--token", "x", "--data-dir", dataDir, "--proxy-mode", "iptables"],
                timeout: TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, agent.ExitCode);
            Assert.Contains("invalid --proxy-mode \"iptables\": want relay or nftables", agent.Stderr, StringComparison.Ordinal);
            // The kernel picks at random: least-connections would hold for the relay's frontends only.
            var both = await ProcessRunner.RunAsync(binary, ["server", "--data-dir", dataDir, "--proxy-mode", "nftables", "--proxy-balancing", "least-connections"],
                timeout: TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, both.ExitCode);
            Assert.Contains("--proxy-balancing least-connections is the relay's", both.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dataDir));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Two busybox httpd pods: "/" says "Hello from POD"; /cgi-bin/peer answers "POD CLIENT-ADDRESS"; ready while /tmp/ready exists.</summary>
    private static string PeerDeployment(string ns) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: busybox
                command: ["sh", "-c", "mkdir -p /srv/cgi-bin && echo Hello from $(hostname) > /srv/index.html && printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho %s $REMOTE_ADDR\\n' $(hostname) > /srv/cgi-bin/peer && chmod +x /srv/cgi-bin/peer && touch /tmp/ready && exec httpd -f -p 8080 -h /srv"]
                ports:
                - {name: http, containerPort: 8080}
                readinessProbe:
                  exec:
                    command: [cat, /tmp/ready]
                  periodSeconds: 1
                  failureThreshold: 1

        """;

    private static async Task<string> NftAsync(string table) =>
        (await ProcessRunner.RunAsync("nft", ["list", "table", "ip", table], timeout: TimeSpan.FromSeconds(10))).Stdout;

    /// <summary>Service tables of other nodes on this machine (other servers of the suite).</summary>
    private static async Task<int> OtherServiceTablesAsync(string own) =>
        (await ProcessRunner.RunAsync("nft", ["list", "tables"], timeout: TimeSpan.FromSeconds(10))).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(t => t.Contains("axolotl_standby_", StringComparison.Ordinal) && !t.EndsWith(" " + own, StringComparison.Ordinal));

    private static async Task<string> ListenersAsync() =>
        (await ProcessRunner.RunAsync("ss", ["-Hltn"], timeout: TimeSpan.FromSeconds(10))).Stdout;

    /// <summary>The elements of the output hook's map (the node's own clients' frontends).</summary>
    private static string LocalFrontends(string table)
    {
        var start = table.IndexOf("map local_frontends", StringComparison.Ordinal);
        return start < 0 ? "" : table[start..table.IndexOf('}', start)];
    }

    /// <summary>Packets the kernel rules' counters have seen, over all Service chains.</summary>
    private static long Counted(string table) => CounterPackets().Matches(table).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex CounterPackets();

    /// <summary>An address as the kernel table's affinity set names carry it (aff_N_0af4a003_8080 for 10.244.160.3:8080).</summary>
    private static string Ipv4Hex(string address) =>
        string.Concat(address.Split('.').Select(part => int.Parse(part, CultureInfo.InvariantCulture).ToString("x2", CultureInfo.InvariantCulture)));
}
