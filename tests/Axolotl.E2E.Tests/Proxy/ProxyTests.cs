using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using Axolotl.E2E.Tests.Services;

namespace Axolotl.E2E.Tests.Proxy;

/// <summary>
/// pods/proxy and services/proxy: `kubectl proxy` to a Service and a pod, `kubectl get --raw` through
/// pods/proxy, the upstream 503 for a Service without endpoints, and what the proxy must and must not
/// pass on (methods, bodies, headers, credentials, hand-written Endpoints, WebSocket upgrades).
/// </summary>
[Collection(SharedServerECollection.Name)]
public sealed class ProxyTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private async Task<string> EchoAsync(string prefix)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        await ServiceTestKit.ApplyAsync(fx, EchoPod.Manifest(ns));
        await ServiceTestKit.UntilReadyAsync(fx, ns, "echo");
        await ServiceTestKit.UntilJsonPathAsync(fx, ns, "endpoints/echo", "{.subsets[0].addresses[0].ip}", s => s.Length > 0, "an endpoint for echo");
        return ns;
    }

    /// <summary>Starts `kubectl proxy` on a port of its choosing and returns its base URL.</summary>
    private async Task<(BackgroundProcess Process, string Url)> KubectlProxyAsync()
    {
        var process = fx.Kubectl.Start("proxy", "--port=0");
        var line = await process.WaitForStdoutAsync(s => s.Contains("Starting to serve on 127.0.0.1:", StringComparison.Ordinal), "kubectl proxy to listen", TimeSpan.FromSeconds(60));
        var port = line.Split("127.0.0.1:")[1].Trim().Split('\n')[0].Trim();
        return (process, $"http://127.0.0.1:{port}");
    }

    private static HttpClient Plain() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Kubectl_proxy_reaches_a_service_and_a_pod()
    {
        var ns = await fx.NewNamespaceAsync("proxy-kubectl");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "-n", ns, "--image=axolotl/http-hello", "--replicas=2", "--port=8080");
        await fx.Kubectl.OkAsync("expose", "deployment", "web", "-n", ns, "--port=80", "--target-port=8080");
        await ServiceTestKit.UntilJsonPathAsync(fx, ns, "deployment/web", "{.status.readyReplicas}", s => s == "2", "2 ready replicas");
        await ServiceTestKit.UntilJsonPathAsync(fx, ns, "endpoints/web", "{.subsets[0].addresses[1].ip}", s => s.Length > 0, "2 endpoints");
        var pod = (await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}")).Trim();
        var (process, url) = await KubectlProxyAsync();
        await using var _ = process;
        using var http = Plain();

        // The pods have no readiness probe: Ready comes before their server listens (a 503 until then, as upstream).
        var answers = new HashSet<string>();
        await Eventually.UntilAsync(async () =>
        {
            using var response = await http.GetAsync($"{url}/api/v1/namespaces/{ns}/services/web:80/proxy/");
            if (response.IsSuccessStatusCode)
            {
                answers.Add((await response.Content.ReadAsStringAsync()).Trim());
            }
            return answers.Count;
        }, count => count == 2, "answers from both pods through the service proxy", TimeSpan.FromSeconds(90));
        var byName = await http.GetStringAsync($"{url}/api/v1/namespaces/{ns}/services/web/proxy/anything?x=1");
        var podRoot = await http.GetStringAsync($"{url}/api/v1/namespaces/{ns}/pods/{pod}/proxy/");
        var podHealth = await http.GetStringAsync($"{url}/api/v1/namespaces/{ns}/pods/{pod}:8080/proxy/healthz");

        Assert.All(answers, a => Assert.StartsWith("Hello from web-", a, StringComparison.Ordinal));
        Assert.Equal(2, answers.Count);
        Assert.StartsWith("Hello from web-", byName, StringComparison.Ordinal);
        Assert.Equal($"Hello from {pod}", podRoot.Trim());
        Assert.Equal("ok", podHealth.Trim());
    }

    [Fact]
    public async Task Get_raw_goes_through_pods_proxy_and_a_service_without_endpoints_gets_upstreams_503()
    {
        var ns = await fx.NewNamespaceAsync("proxy-raw");
        await ServiceTestKit.ApplyAsync(fx, ServiceTestKit.HelloPods(ns, "hello", "hello") + ServiceTestKit.SelectorService(ns, "empty", "nothing", 80, "8080"));
        await ServiceTestKit.UntilReadyAsync(fx, ns, "hello");

        var health = await fx.Kubectl.OkAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/hello/proxy/healthz");
        var empty = await fx.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/empty:80/proxy/");
        var noPort = await fx.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/empty:81/proxy/");
        var badName = await fx.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/ftp:hello:21/proxy/");
        var missing = await fx.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/absent/proxy/");

        Assert.Equal("ok", health.Trim());
        Assert.NotEqual(0, empty.ExitCode);
        Assert.Contains("Error from server (ServiceUnavailable): no endpoints available for service \"empty\"", empty.Stderr, StringComparison.Ordinal);
        Assert.Contains("no service port 81 found for service \"empty\"", noPort.Stderr, StringComparison.Ordinal);
        Assert.Contains("(BadRequest): invalid pod request \"ftp:hello:21\"", badName.Stderr, StringComparison.Ordinal);
        Assert.Contains("(NotFound): pods \"absent\" not found", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_method_body_and_query_reach_the_pod_but_the_callers_credentials_do_not()
    {
        var ns = await EchoAsync("proxy-echo");
        using var api = ApiClient.Create(fx.Server);

        var seen = new List<JsonNode>();
        foreach (var method in new[] { "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/namespaces/{ns}/pods/echo:8080/proxy/some/path/?x=1&y=a%20b");
            request.Headers.Add("X-Test", "yes");
            // The admin may impersonate; the impersonated user (in system:masters) may use the proxy.
            request.Headers.Add("Impersonate-User", "someone");
            request.Headers.Add("Impersonate-Group", "system:masters");
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent($"body of {method}", Encoding.UTF8, "text/plain");
            }
            using var response = await api.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
            seen.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }
        using var head = await api.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/namespaces/{ns}/services/echo/proxy/"));

        Assert.Equal(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], seen.Select(s => s["method"]!.GetValue<string>()));
        Assert.All(seen, s => Assert.Equal("/some/path/?x=1&y=a%20b", s["path"]!.GetValue<string>()));
        Assert.Equal("body of PATCH", seen[3]["body"]!.GetValue<string>());
        Assert.All(seen, s => Assert.Equal("yes", s["headers"]!["x-test"]!.GetValue<string>()));
        Assert.All(seen, s => Assert.Null(s["headers"]!["authorization"]));
        Assert.All(seen, s => Assert.Null(s["headers"]!["impersonate-user"]));
        Assert.All(seen, s => Assert.Null(s["headers"]!["impersonate-group"]));
        Assert.All(seen, s => Assert.Equal($"/api/v1/namespaces/{ns}/pods/echo:8080/proxy/some/path/", s["headers"]!["x-forwarded-uri"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Redirects_and_html_links_are_rewritten_under_the_proxy_prefix()
    {
        var ns = await EchoAsync("proxy-html");
        var (process, url) = await KubectlProxyAsync();
        await using var _ = process;
        using var http = Plain();
        var prefix = $"/api/v1/namespaces/{ns}/services/echo:80/proxy";

        var page = await http.GetStringAsync($"{url}{prefix}/page");
        using var redirect = await http.GetAsync($"{url}{prefix}/redirect");

        Assert.Contains($"<a href=\"{prefix}/target\">t</a>", page, StringComparison.Ordinal);
        Assert.Contains($"<link href=\"{prefix}/style.css\"", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"rel\">r</a>", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal($"{prefix}/target?from=redirect", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Hand_written_endpoints_cannot_point_the_proxy_anywhere_but_at_their_pods()
    {
        var ns = await EchoAsync("proxy-rogue");
        var echoIp = (await ServiceTestKit.JsonPathAsync(fx, ns, "pod/echo", "{.status.podIP}")).Trim();
        // Loopback and link-local addresses are refused by Endpoints validation already; these two are
        // well-formed but not backed by a pod with that IP: the API server's own port on the echo pod's
        // IP without a pod reference, and another address claiming to be the echo pod.
        var rogue = $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: rogue, namespace: {{ns}}}
            spec:
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: rogue, namespace: {{ns}}}
            subsets:
            - addresses:
              - ip: {{echoIp}}
              - ip: 10.255.255.1
                targetRef: {kind: Pod, name: echo, namespace: {{ns}}}
              ports: [{port: 8080}]
            """ + "\n";
        await ServiceTestKit.ApplyAsync(fx, rogue);

        var refused = await fx.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/rogue:80/proxy/");
        await ServiceTestKit.ApplyAsync(fx, rogue.Replace("- ip: 10.255.255.1", $"- ip: {echoIp}", StringComparison.Ordinal));
        var backed = await fx.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/rogue:80/proxy/backed");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("(ServiceUnavailable): no endpoints available for service \"rogue:80\"", refused.Stderr, StringComparison.Ordinal);
        Assert.True(backed.ExitCode == 0, backed.ToString());
        Assert.Equal("/backed", JsonNode.Parse(backed.Stdout)!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_websocket_upgrade_is_carried_to_the_pod_without_the_callers_token()
    {
        var ns = await EchoAsync("proxy-ws");
        using var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = PortForward.ServerTrust.For(fx.Server);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + KubeconfigFile.Token(fx.Server.Kubeconfig));
        socket.Options.AddSubProtocol("chat");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{fx.Server.Port}/api/v1/namespaces/{ns}/pods/echo/proxy/ws"), timeout.Token);
        await socket.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal("chat", socket.SubProtocol);
        Assert.Equal("echo:hi auth=None", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Fact]
    public async Task Unsupported_methods_and_unreachable_ports_get_a_status()
    {
        var ns = await EchoAsync("proxy-errors");
        using var api = ApiClient.Create(fx.Server);

        using var trace = await api.SendAsync(new HttpRequestMessage(new HttpMethod("TRACE"), $"/api/v1/namespaces/{ns}/pods/echo/proxy/"));
        using var refused = await api.GetAsync($"/api/v1/namespaces/{ns}/pods/echo:9999/proxy/");
        var refusedStatus = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.MethodNotAllowed, trace.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("ServiceUnavailable", refusedStatus["reason"]!.GetValue<string>());
        Assert.Matches(@"^error trying to reach service: dial tcp [0-9.]+:9999: connect: connection refused$", refusedStatus["message"]!.GetValue<string>());
    }
}
