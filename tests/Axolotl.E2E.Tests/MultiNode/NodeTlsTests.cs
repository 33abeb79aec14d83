using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>The multi-node fixture plus a second joined agent: two nodes that joined with certificates of their own.</summary>
public sealed class TwoAgentsFixture : MultiNodeFixture
{
    private AxolotlAgent? _second;

    public AxolotlAgent SecondAgent => _second ?? throw new InvalidOperationException("the fixture is not initialised");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _second = await AxolotlAgent.StartAsync(Server);
        await Eventually.UntilAsync(() => Kubectl.RunAsync("get", "node", _second.NodeName, "--no-headers"),
            r => r.ExitCode == 0 && TableText.Cells(TableText.Lines(r.Stdout)[0])[1] == "Ready", "the second agent Ready", TimeSpan.FromSeconds(60));
    }

    public override async Task DisposeAsync()
    {
        if (_second is not null)
        {
            Directory.CreateDirectory(LogDir);
            File.WriteAllText(Path.Combine(LogDir, $"{nameof(TwoAgentsFixture)}-agent-{_second.NodeName}.log"), _second.Log);
            await _second.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}

/// <summary>
/// Node identity and kubelet TLS (issue 15 rows 7, 8, 10): a joined agent obtains its own client and
/// serving certificates through CertificateSigningRequests, the join token can do nothing else, logs,
/// exec and port-forward reach both nodes through verified TLS, a node's certificate opens no other
/// node's kubelet, and a Node that lies about its address is sent nothing.
/// </summary>
public sealed class NodeTlsTests(TwoAgentsFixture fx) : IClassFixture<TwoAgentsFixture>
{
    private const string ClientSigner = "kubernetes.io/kube-apiserver-client-kubelet";
    private const string ServingSigner = "kubernetes.io/kubelet-serving";

    [Fact]
    public async Task Both_joined_agents_hold_certificates_from_approved_requests_and_kubectl_get_csr_shows_them()
    {
        var table = await fx.Kubectl.OkAsync("get", "csr");
        var rows = TableText.Lines(table).Skip(1).Select(TableText.Cells).ToList();
        var tokenId = File.ReadAllText(AxolotlAgent.ServerTokenFile(fx.Server)).Trim()[..6];

        // NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION: one client request per join (with the token), one serving request per node.
        Assert.Equal(2, rows.Count(r => r[2] == ClientSigner && r[3] == $"system:bootstrap:{tokenId}" && r[^1] == "Approved,Issued"));
        foreach (var agent in new[] { fx.Agent, fx.SecondAgent })
        {
            Assert.Contains(rows, r => r[2] == ServingSigner && r[3] == $"system:node:{agent.NodeName}" && r[^1] == "Approved,Issued");
            // The edge controllers' identity, asked for by the node itself and no longer-lived than its certificate.
            Assert.Contains(rows, r => r[2] == "axolotl.io/kube-apiserver-client-ingress-controller" && r[3] == $"system:node:{agent.NodeName}" && r[^1] == "Approved,Issued");
            using (var edge = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(agent.DataDir, "pki", "ingress-controller-client-current.pem"))))
            using (var node = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(agent.DataDir, "pki", "kubelet-client-current.pem"))))
            {
                Assert.Equal($"system:axolotl-ingress-controller:{agent.NodeName}", edge.GetNameInfo(X509NameType.SimpleName, false));
                Assert.True(edge.NotAfter <= node.NotAfter, $"the edge certificate ends {edge.NotAfter:u}, after the node's {node.NotAfter:u}");
            }
            foreach (var file in new[] { "kubelet-client-current.pem", "kubelet-server-current.pem" })
            {
                var path = Path.Combine(agent.DataDir, "pki", file);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
                using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
                Assert.Equal($"system:node:{agent.NodeName}", certificate.GetNameInfo(X509NameType.SimpleName, false));
            }
        }
        var reason = await fx.Kubectl.OkAsync("get", "csr", "-o", "jsonpath={.items[*].status.conditions[0].reason}");
        Assert.Contains("AutoApproved", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_join_token_may_only_ask_for_a_node_client_certificate_and_a_node_name_header_means_nothing()
    {
        using var join = ApiClient.Create(fx.Server, File.ReadAllText(AxolotlAgent.ServerTokenFile(fx.Server)).Trim());
        // The header that used to name the node: now it is just a header.
        join.DefaultRequestHeaders.Add("X-Axolotl-Node-Name", fx.Server.NodeName);

        var nodes = await join.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative));
        var label = await join.PatchAsync(new Uri($"/api/v1/nodes/{fx.Server.NodeName}", UriKind.Relative),
            new StringContent("""{"metadata":{"labels":{"owned":"yes"}}}""", Encoding.UTF8, "application/merge-patch+json"));
        var (key, pem) = NodeCertificates.Request($"system:node:{fx.Server.NodeName}", "system:nodes");
        key.Dispose();
        var serving = await join.PostAsync(new Uri("/apis/certificates.k8s.io/v1/certificatesigningrequests", UriKind.Relative),
            new StringContent(NodeCertificates.Body(pem, ServingSigner, "digital signature", "server auth"), Encoding.UTF8, "application/json"));
        var (adminKey, adminPem) = NodeCertificates.Request("admin", "system:masters");
        adminKey.Dispose();
        var admin = await join.PostAsync(new Uri("/apis/certificates.k8s.io/v1/certificatesigningrequests", UriKind.Relative),
            new StringContent(NodeCertificates.Body(adminPem, ClientSigner, "digital signature", "client auth"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, nodes.StatusCode);
        Assert.Contains("nodes is forbidden: User \\\"system:bootstrap:", await nodes.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, label.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, serving.StatusCode);
        Assert.Contains("a join token may only request a node client certificate", await serving.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Contains("subject organization is not system:nodes", await admin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.metadata.labels.owned}"));
    }

    [Fact]
    public async Task Logs_exec_and_port_forward_reach_pods_on_every_node_through_verified_tls()
    {
        var ns = await fx.NewNamespaceAsync("node-tls");
        foreach (var (pod, node) in new[] { ("on-server", fx.Server.NodeName), ("on-agent", fx.Agent.NodeName), ("on-second", fx.SecondAgent.NodeName) })
        {
            await fx.RunPodOnAsync(ns, pod, node, "axolotl/http-hello");
            var logs = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, $"kubectl logs {pod}", "logs", pod, "-n", ns);
            var exec = await fx.Kubectl.RunAsync("exec", pod, "-n", ns, "--", "sh", "-c", "hostname; exit 3");
            Assert.Equal(3, exec.ExitCode);
            Assert.Equal($"{pod}\n", exec.Stdout);
            Assert.Equal(0, logs.ExitCode);

            var env = new Dictionary<string, string> { ["KUBECONFIG"] = fx.Server.Kubeconfig, ["HOME"] = fx.Server.DataDir };
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            // Running is not listening (the pod has no readiness probe), and kubectl 1.32 ends a port-forward
            // whose pod refused a connection ("lost connection to pod"): a forward that ended is started again.
            BackgroundProcess? forward = null;
            var port = 0;
            try
            {
                var answer = await Eventually.UntilAsync(async () =>
                {
                    if (forward is null || forward.HasExited)
                    {
                        if (forward is not null)
                        {
                            await forward.DisposeAsync();
                        }
                        port = LoopbackPorts.Free();
                        forward = BackgroundProcess.Start(Kubectl.Binary, ["port-forward", "-n", ns, $"pod/{pod}", $"{port}:8080"], env);
                        await forward.WaitForStdoutAsync(s => s.Contains("Forwarding from 127.0.0.1", StringComparison.Ordinal), "port-forward to listen", TimeSpan.FromSeconds(30));
                    }
                    try
                    {
                        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"));
                    }
                    catch (HttpRequestException e)
                    {
                        return $"{e.Message} (port-forward exited: {forward.HasExited})\n{forward.Stderr}";
                    }
                }, a => a.StartsWith("Hello from", StringComparison.Ordinal), $"{pod}'s app through port-forward");
                Assert.Equal($"Hello from {pod}", answer.Trim());
            }
            finally
            {
                if (forward is not null)
                {
                    await forward.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task A_node_certificate_opens_no_other_nodes_kubelet()
    {
        var ns = await fx.NewNamespaceAsync("node-exec");
        await fx.RunPodOnAsync(ns, "target", fx.SecondAgent.NodeName, "busybox", "sleep", "3600");
        var address = await fx.Kubectl.OkAsync("get", "node", fx.SecondAgent.NodeName, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}:{.status.daemonEndpoints.kubeletEndpoint.Port}");
        var agentPem = Path.Combine(fx.Agent.DataDir, "pki", "kubelet-client-current.pem");
        var url = $"https://{address}/exec/{ns}/target/target?command=id&stdout=true";

        var withNodeCertificate = await ProcessRunner.RunAsync("/usr/bin/curl", ["-k", "-s", "-X", "POST", "--cert", agentPem, "--key", agentPem, url]);
        var anonymous = await ProcessRunner.RunAsync("/usr/bin/curl", ["-k", "-s", "-X", "POST", url]);

        Assert.Contains($"Forbidden (user=system:node:{fx.Agent.NodeName}, verb=create, resource=nodes, subresource(s)=[proxy])", withNodeCertificate.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"code\":401", anonymous.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("uid=", withNodeCertificate.Stdout + anonymous.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_whose_address_points_at_another_agent_or_an_attacker_is_sent_nothing()
    {
        var ns = await fx.NewNamespaceAsync("forged");
        var serverAddress = await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}");
        var serverKubelet = int.Parse(await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}"), System.Globalization.CultureInfo.InvariantCulture);
        await using var attacker = AttackerListener.Start();

        // Two nodes registered with their own certificates, lying about where their agent is.
        foreach (var (node, address, port) in new[] { ("liar-a", serverAddress, serverKubelet), ("liar-b", "127.0.0.1", attacker.Port) })
        {
            using var http = await NodeCredentials.ClientAsync(fx.Server, node);
            var created = await http.PostAsync(new Uri("/api/v1/nodes", UriKind.Relative),
                new StringContent($$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{node}}"} }""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var status = await http.PatchAsync(new Uri($"/api/v1/nodes/{node}/status", UriKind.Relative), new StringContent(
                $$"""{"status":{"addresses":[{"type":"InternalIP","address":"{{address}}"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":{{port}} } } } }""",
                Encoding.UTF8, "application/merge-patch+json"));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            await fx.Kubectl.OkWithInputAsync($$"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"on-{{node}}","namespace":"{{ns}}"},
                 "spec":{"nodeName":"{{node}}","tolerations":[{"operator":"Exists"}],"containers":[{"name":"c","image":"busybox"}]} }
                """, "apply", "-f", "-");
        }
        try
        {
            var toAgent = await fx.Kubectl.RunAsync("logs", "on-liar-a", "-n", ns);
            var toAttacker = await fx.Kubectl.RunAsync("logs", "on-liar-b", "-n", ns);
            var execAttacker = await fx.Kubectl.RunAsync("exec", "on-liar-b", "-n", ns, "--", "id");

            Assert.NotEqual(0, toAgent.ExitCode);
            Assert.Contains("error dialing backend", toAgent.Stderr, StringComparison.Ordinal);
            Assert.NotEqual(0, toAttacker.ExitCode);
            Assert.Contains("error dialing backend", toAttacker.Stderr, StringComparison.Ordinal);
            Assert.NotEqual(0, execAttacker.ExitCode);
            Assert.True(attacker.Connections > 0, "the API server never dialled the forged address");
            Assert.Equal(0, attacker.BytesAfterHandshake);
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "pods", "--all", "-n", ns, "--force", "--grace-period=0");
            await fx.Kubectl.RunAsync("delete", "node", "liar-a", "liar-b");
        }
    }

    /// <summary>A TLS listener with a self-signed certificate that counts handshakes and any bytes a client sends after one.</summary>
    private sealed class AttackerListener : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly X509Certificate2 _certificate;
        private Task _accepting = Task.CompletedTask;
        private int _connections;
        private long _bytes;

        private AttackerListener()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=system:node:liar-b", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            _certificate = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public long BytesAfterHandshake => Interlocked.Read(ref _bytes);

        public static AttackerListener Start()
        {
            var listener = new AttackerListener();
            listener._listener.Start();
            listener._accepting = listener.AcceptAsync();
            return listener;
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using (client)
                    await using (var tls = new SslStream(client.GetStream()))
                    {
                        Interlocked.Increment(ref _connections);
                        try
                        {
                            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                            var buffer = new byte[4096];
                            int read;
                            while ((read = await tls.ReadAsync(buffer, _stop.Token)) > 0)
                            {
                                Interlocked.Add(ref _bytes, read);
                            }
                        }
                        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                        {
                            // The API server refuses the certificate and drops the connection: the expected end.
                        }
                    }
                });
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
            _certificate.Dispose();
        }
    }
}
