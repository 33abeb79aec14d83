using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using TestPki = Axolotl.Testing.TestPki;

namespace Axolotl.E2E.Tests.ApiRegistration;

/// <summary>
/// API aggregation end to end with the real kubectl: an aggregated API server in the test process (<see cref="TestAggregatedApiServer"/>)
/// behind a Service without a selector and hand-written Endpoints and EndpointSlice. Endpoints may not be loopback
/// (upstream's validation, kept here), so it listens on this host's own non-loopback address: packets to it never
/// leave the machine. registered by an APIService with
/// its caBundle. kube-aggregator's behaviour: the discovery probe makes it Available, requests are authorized here and
/// proxied with the caller's identity and the front-proxy client certificate, discovery lists its resources, watches
/// stream, upgrades (exec's WebSocket) are relayed, redirects are refused; a caBundle that does not match, or a backend
/// that stopped, gets upstream's 503s. The front proxy's trust is published in kube-system/extension-apiserver-authentication.
/// </summary>
public sealed class AggregatedApiServerTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Version = "v1alpha1";

    /// <summary>An IPv4 address of one of this host's own interfaces that is up, neither loopback nor link-local, nor one Axolotl put on a link.</summary>
    private static IPAddress HostAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback && !i.Name.StartsWith("axl", StringComparison.Ordinal))
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && a.GetAddressBytes() is not [169, 254, _, _] and not [10, 96, _, _]);

    private async Task<string> RegisterAsync(string ns, string group, TestAggregatedApiServer backend, string caBundle, string version = Version, int groupPriority = 1000, int versionPriority = 15)
    {
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Service
            metadata:
              name: api
              namespace: {{ns}}
            spec:
              ports:
              - name: https
                port: 443
                targetPort: {{backend.Port}}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: api
              namespace: {{ns}}
            subsets:
            - addresses:
              - ip: {{backend.Address}}
              ports:
              - name: https
                port: {{backend.Port}}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: api-1
              namespace: {{ns}}
              labels:
                kubernetes.io/service-name: api
            addressType: IPv4
            endpoints:
            - addresses: [{{backend.Address}}]
              conditions:
                ready: true
            ports:
            - name: https
              port: {{backend.Port}}
              protocol: TCP
            ---
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: {{version}}.{{group}}
            spec:
              group: {{group}}
              version: {{version}}
              groupPriorityMinimum: {{groupPriority}}
              versionPriority: {{versionPriority}}
              caBundle: {{caBundle}}
              service:
                namespace: {{ns}}
                name: api
            """, "apply", "-f", "-");
        var name = $"{version}.{group}";
        await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Trim() == "True/Passed", $"APIService {name} Available",
            "get", "apiservice", name, "-o", "jsonpath={.status.conditions[0].status}/{.status.conditions[0].reason}");
        return name;
    }

    /// <summary>
    /// kube-system/extension-apiserver-authentication tells an aggregated server how to trust the front proxy: its CA (which
    /// the certificate the proxy presented chains to), its name and headers; the bootstrapped Role lets a server's
    /// ServiceAccount read it and nothing else, once bound as metrics-server binds it.
    /// </summary>
    private async Task AssertPublishedTrustAsync(string ns, X509Certificate2 presented)
    {
        var data = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "configmap", "extension-apiserver-authentication", "-n", "kube-system", "-o", "json"))!["data"]!;
        Assert.Equal(("""["front-proxy-client"]""", """["X-Remote-User"]""", """["X-Remote-Group"]""", """["X-Remote-Extra-"]"""),
            (data["requestheader-allowed-names"]!.GetValue<string>(), data["requestheader-username-headers"]!.GetValue<string>(),
             data["requestheader-group-headers"]!.GetValue<string>(), data["requestheader-extra-headers-prefix"]!.GetValue<string>()));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", data["client-ca-file"]!.GetValue<string>(), StringComparison.Ordinal);
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(data["requestheader-client-ca-file"]!.GetValue<string>());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(presented), "the front proxy's client certificate chains to requestheader-client-ca-file");

        var binding = $"e2e-auth-reader-{ns}";
        await fx.Kubectl.OkAsync("create", "rolebinding", binding, "-n", "kube-system", "--role=extension-apiserver-authentication-reader", $"--serviceaccount={ns}:api");
        try
        {
            var serviceAccount = $"--as=system:serviceaccount:{ns}:api";
            Assert.Equal("yes", (await fx.Kubectl.RunAsync("auth", "can-i", "get", "configmaps/extension-apiserver-authentication", "-n", "kube-system", serviceAccount)).Stdout.Trim());
            Assert.Equal("no", (await fx.Kubectl.RunAsync("auth", "can-i", "get", "configmaps/kube-root-ca.crt", "-n", "kube-system", serviceAccount)).Stdout.Trim());
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "rolebinding", binding, "-n", "kube-system");
        }
    }

    /// <summary>An exec-like upgrade of an aggregated resource is relayed once the backend switches protocols: a WebSocket that echoes.</summary>
    private async Task AssertUpgradeRelayedAsync(string group, string ns, TestAggregatedApiServer backend)
    {
        using var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = PortForward.ServerTrust.For(fx.Server);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + KubeconfigFile.Token(fx.Server.Kubeconfig));
        socket.Options.AddSubProtocol("v5.channel.k8s.io");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var path = $"/apis/{group}/{Version}/namespaces/{ns}/flunders/one/exec";
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{fx.Server.Port}{path}?command=sh"), timeout.Token);
        Assert.Equal("v5.channel.k8s.io", socket.SubProtocol);
        foreach (var message in new[] { "hello", "again" })
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(message), WebSocketMessageType.Binary, true, timeout.Token);
            var buffer = new byte[64];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(message, Encoding.ASCII.GetString(buffer, 0, received.Count));
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Contains(backend.Requests, r => r.Path == path + "?command=sh" && r.User is { Length: > 0 });
    }

    [Fact]
    public async Task An_aggregated_API_server_is_Available_proxied_with_the_callers_identity_discovered_and_503_once_stopped()
    {
        var ns = await fx.NewNamespaceAsync("flunders");
        const string group = "wardle.agg.e2e.example.com";
        await using var backend = await TestAggregatedApiServer.StartAsync(HostAddress(), group, Version, $"api.{ns}.svc");
        var name = await RegisterAsync(ns, group, backend, backend.CaBundle);
        try
        {
            // Proxied as the caller (impersonated here), over a connection with the front-proxy client certificate.
            // Eventually: the proxy's APIService cache follows the store a moment behind the condition kubectl saw.
            var one = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "proxied get",
                "get", "--raw", $"/apis/{group}/{Version}/namespaces/{ns}/flunders/one", "--as=jane", "--as-group=system:masters");
            Assert.Contains("served by the aggregated API server", one.Stdout);
            var seen = backend.Requests.Last(r => r.Path == $"/apis/{group}/{Version}/namespaces/{ns}/flunders/one");
            Assert.Equal("jane", seen.User);
            Assert.Equal(["system:masters", "system:authenticated"], seen.Groups); // one header line each, as Go's server reads them
            Assert.Equal(("front-proxy-client", "axolotl-front-proxy-ca"), (seen.ClientSubject, seen.ClientIssuer));
            await AssertPublishedTrustAsync(ns, backend.LastClientCertificate!);

            // Authorized here first: without a grant, the request never reaches the backend.
            var denied = await fx.Kubectl.FailAsync("get", "--raw", $"/apis/{group}/{Version}/namespaces/{ns}/flunders/two", "--as=jane");
            Assert.Contains("forbidden", denied);
            Assert.DoesNotContain(backend.Requests, r => r.Path.EndsWith("/flunders/two", StringComparison.Ordinal));

            // Discovery: kubectl finds the resource through aggregated discovery and lists it through the proxy.
            var resources = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("flunders", StringComparison.Ordinal), "flunders discovered",
                "api-resources", $"--api-group={group}");
            Assert.Equal(["flunders", "fl", $"{group}/{Version}", "true", "Flunder"], TableText.Row(resources.Stdout, "flunders"));
            Assert.Equal("one", TableText.Row(await fx.Kubectl.OkAsync("get", "flunders", "-n", ns), "one")[0]);
            Assert.Contains(group, await fx.Kubectl.OkAsync("get", "--raw", "/apis"));

            // Its OpenAPI v3 document is listed and served here: kubectl explain knows the aggregated kind.
            var explained = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "kubectl explain of the aggregated kind",
                "explain", "flunders.spec", $"--api-version={group}/{Version}");
            Assert.Contains("FlunderSpec is what a flunder wants.", explained.Stdout);
            Assert.Contains("Reference names another flunder.", explained.Stdout);

            using var http = ApiClient.Create(fx.Server);
            // A watch streams: the backend sends one event and holds the stream open.
            using (var watch = await http.GetAsync($"/apis/{group}/{Version}/namespaces/{ns}/flunders?watch=true", HttpCompletionOption.ResponseHeadersRead))
            {
                using var reader = new StreamReader(await watch.Content.ReadAsStreamAsync());
                var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Contains("\"type\":\"ADDED\"", line);
            }
            await AssertUpgradeRelayedAsync(group, ns, backend);

            // Redirects are not followed but refused (--aggregator-reject-forwarding-redirect).
            using (var redirect = await http.GetAsync($"/apis/{group}/{Version}/redirect"))
            {
                Assert.Equal(502, (int)redirect.StatusCode);
                Assert.Equal("the backend attempted to redirect this request, which is not permitted", await redirect.Content.ReadAsStringAsync());
            }

            // The backend stops: requests get the dial error at once, and the next check marks the APIService unavailable.
            // On a loaded machine that periodic check can land between the stop and the request: then the request already
            // gets the unavailable APIService's answer, which the end of this test checks anyway.
            await backend.StopAsync();
            using (var refused = await http.GetAsync($"/apis/{group}/{Version}/namespaces/{ns}/flunders"))
            {
                Assert.Equal(503, (int)refused.StatusCode);
                Assert.Contains(await refused.Content.ReadAsStringAsync(),
                    new[] { $"dial tcp {backend.Address}:{backend.Port}: connect: connection refused\n", "service unavailable\n" });
            }
            await fx.Kubectl.OkAsync("annotate", "apiservice", name, "e2e/recheck=now");
            var message = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.StartsWith("False/FailedDiscoveryCheck", StringComparison.Ordinal), "FailedDiscoveryCheck",
                "get", "apiservice", name, "-o", "jsonpath={.status.conditions[0].status}/{.status.conditions[0].reason}/{.status.conditions[0].message}");
            var url = $"https://{backend.Address}:{backend.Port}/apis/{group}/{Version}";
            Assert.EndsWith($"/failing or missing response from {url}: Get \"{url}\": dial tcp {backend.Address}:{backend.Port}: connect: connection refused", message.Stdout.Trim());
            using (var unavailable = await http.GetAsync($"/apis/{group}/{Version}/namespaces/{ns}/flunders"))
            {
                Assert.Equal(503, (int)unavailable.StatusCode);
                Assert.Equal("service unavailable\n", await unavailable.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "apiservice", name);
        }
    }

    [Fact]
    public async Task Installing_a_metrics_server_takes_metrics_k8s_io_from_the_built_in_and_Local_gives_it_back()
    {
        var ns = await fx.NewNamespaceAsync("metrics-server");
        const string group = "metrics.k8s.io";
        const string name = "v1beta1.metrics.k8s.io";
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "the built-in APIService", "get", "apiservice", name);
        await using var backend = await TestAggregatedApiServer.StartAsync(HostAddress(), group, "v1beta1", $"api.{ns}.svc");
        try
        {
            // What applying metrics-server's manifest does: the same APIService, now naming its Service.
            await RegisterAsync(ns, group, backend, backend.CaBundle, "v1beta1", groupPriority: 100, versionPriority: 100);
            var served = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "metrics.k8s.io proxied",
                "get", "--raw", $"/apis/{group}/v1beta1/namespaces/{ns}/flunders/one");
            Assert.Contains("served by the aggregated API server", served.Stdout);
            // Discovery follows: the backend's resources, not the built-in's.
            var resources = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("flunders", StringComparison.Ordinal), "the backend's metrics resources",
                "api-resources", $"--api-group={group}");
            Assert.DoesNotContain("PodMetrics", resources.Stdout);
            Assert.Equal("Local", (await fx.Kubectl.OkAsync("get", "apiservice", "v1.apps", "-o", "jsonpath={.status.conditions[0].reason}")).Trim());
        }
        finally
        {
            // Back to Local (service: null): the built-in serves again.
            await fx.Kubectl.RunAsync("patch", "apiservice", name, "--type=merge", "-p", """{"spec":{"service":null,"caBundle":null}}""");
        }
        var builtIn = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("PodMetrics", StringComparison.Ordinal), "the built-in metrics.k8s.io again",
            "api-resources", $"--api-group={group}");
        Assert.DoesNotContain("flunders", builtIn.Stdout);
        Assert.Contains("\"kind\":\"PodMetricsList\"", await fx.Kubectl.OkAsync("get", "--raw", $"/apis/{group}/v1beta1/namespaces/{ns}/pods"));
        Assert.Equal("True/Local", (await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Trim() == "True/Local", "Local and Available",
            "get", "apiservice", name, "-o", "jsonpath={.status.conditions[0].status}/{.status.conditions[0].reason}")).Stdout.Trim());

        // The core group and the aggregator's own stay here: refused in the words of a 422.
        var refused = await fx.Kubectl.FailAsync("patch", "apiservice", "v1.", "--type=merge", "-p", "{\"spec\":{\"service\":{\"namespace\":\"" + ns + "\",\"name\":\"api\"}}}");
        Assert.Contains("spec.service: Forbidden: the legacy core API (v1.) is served by this API server and may not be proxied", refused);
    }

    [Fact]
    public async Task A_caBundle_the_backend_certificate_does_not_chain_to_gets_503_with_Gos_TLS_error_and_stale_discovery()
    {
        var ns = await fx.NewNamespaceAsync("wrongca");
        const string group = "wrongca.agg.e2e.example.com";
        await using var backend = await TestAggregatedApiServer.StartAsync(HostAddress(), group, Version, $"api.{ns}.svc");
        using var otherCa = new TestPki("some-other-ca");
        // Upstream's probe does not verify certificates, so the APIService is Available; every proxied request is verified.
        var name = await RegisterAsync(ns, group, backend, Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(otherCa.Ca.ExportCertificatePem())));
        try
        {
            using var http = ApiClient.Create(fx.Server);
            // Eventually: the proxy's APIService cache follows the store a moment behind the condition kubectl saw.
            var (code, body) = await Eventually.UntilAsync(async () =>
            {
                using var response = await http.GetAsync($"/apis/{group}/{Version}/namespaces/{ns}/flunders");
                return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
            }, r => r.Item2 != "service unavailable\n", "proxied with the APIService Available");
            Assert.Equal((503, "tls: failed to verify certificate: x509: certificate signed by unknown authority\n"), (code, body));
            Assert.DoesNotContain(backend.Requests, r => r.Path.EndsWith("/flunders", StringComparison.Ordinal));

            // Its list could not be fetched either: aggregated discovery shows the version as Stale, without resources.
            using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
            using var discovery = await http.SendAsync(request);
            var items = JsonNode.Parse(await discovery.Content.ReadAsStringAsync())!["items"]!.AsArray();
            var entry = items.Single(i => i!["metadata"]!["name"]!.GetValue<string>() == group)!["versions"]![0]!;
            Assert.Equal((Version, "Stale", 0), (entry["version"]!.GetValue<string>(), entry["freshness"]!.GetValue<string>(), entry["resources"]!.AsArray().Count));
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "apiservice", name);
        }
    }
}
