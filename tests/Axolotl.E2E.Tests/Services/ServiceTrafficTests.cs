using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// Traffic through the service proxy: cluster IPs from the host and from a pod, node ports on
/// 127.0.0.1, the load balancer URL, and the bad inputs (nothing selected, a node port taken).
/// </summary>
[Collection(SharedServerACollection.Name)]
public sealed class ServiceTrafficTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task The_cluster_ip_balances_over_the_pods_from_the_host_and_from_inside_a_pod()
    {
        var ns = await fx.NewNamespaceAsync("clusterip");
        await ApplyAsync(fx, HelloPods(ns, "web", "web-a", "web-b") + SelectorService(ns, "web", "web", 80, "http", portName: "http"));
        await UntilReadyAsync(fx, ns, "web-a", "web-b");
        var clusterIp = await JsonPathAsync(fx, ns, "service/web", "{.spec.clusterIP}");
        Assert.StartsWith(fx.Server.ServiceCidr[..^5], clusterIp, StringComparison.Ordinal);

        var fromHost = await Eventually.UntilAsync(() => AnswersAsync($"http://{clusterIp}/", 8),
            a => a.SetEquals(["Hello from web-a", "Hello from web-b"]), "both pods answering on the cluster IP");
        Assert.Equal(2, fromHost.Count);

        await fx.Kubectl.OkAsync("run", "client", "-n", ns, "--image=python:3.11-slim", "--restart=Never", "--command", "--", "sleep", "600");
        await UntilReadyAsync(fx, ns, "client");
        var script = $"import urllib.request\nfor _ in range(8): print(urllib.request.urlopen('http://{clusterIp}/', timeout=5).read().decode().strip())";
        var output = await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "python3", "-c", script);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Equal(["Hello from web-a", "Hello from web-b"], lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_node_port_answers_on_127_0_0_1_and_the_pod_gateway()
    {
        var ns = await fx.NewNamespaceAsync("nodeport");
        await ApplyAsync(fx, HelloPods(ns, "web", "np-a") + SelectorService(ns, "web", "web", 80, "8080", type: "NodePort"));
        await UntilReadyAsync(fx, ns, "np-a");
        var nodePort = await JsonPathAsync(fx, ns, "service/web", "{.spec.ports[0].nodePort}");
        var table = await fx.Kubectl.OkAsync("get", "service", "web", "-n", ns);
        Assert.Matches($@"web\s+NodePort\s+10\.96\.\d+\.\d+\s+<none>\s+80:{nodePort}/TCP", table);

        await Eventually.UntilAsync(() => GetAsync($"http://127.0.0.1:{nodePort}/"), b => b == "Hello from np-a", "the node port on 127.0.0.1");
        var gateway = fx.Server.ServiceCidr.Replace("10.96.", "10.244.", StringComparison.Ordinal).Replace(".0/24", ".1", StringComparison.Ordinal);
        Assert.Equal("Hello from np-a", await GetAsync($"http://{gateway}:{nodePort}/"));
    }

    [Fact]
    public async Task The_load_balancer_url_from_jsonpath_answers_from_the_host()
    {
        var ns = await fx.NewNamespaceAsync("lb");
        // A port of its own: every test server's load balancer listens on the same node address.
        var port = 18000 + (Environment.ProcessId % 1000) + (fx.Server.Port % 1000);
        await ApplyAsync(fx, HelloPods(ns, "numbers", "numbers-a") + SelectorService(ns, "numbers-api", "numbers", port, "8080", type: "LoadBalancer"));
        await UntilReadyAsync(fx, ns, "numbers-a");

        var ip = await UntilJsonPathAsync(fx, ns, "service/numbers-api", "{.status.loadBalancer.ingress[0].ip}", s => s.Length > 0, "an ingress IP");
        Assert.Equal("Hello from numbers-a", await Eventually.UntilAsync(() => GetAsync($"http://{ip}:{port}/"), b => b is not null, "the load balancer address answering"));
        var table = await fx.Kubectl.OkAsync("get", "service", "numbers-api", "-n", ns);
        Assert.Matches($@"numbers-api\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+{ip.Replace(".", "\\.", StringComparison.Ordinal)}\s+{port}:3\d{{4}}/TCP", table);

        // The seed scenario's own command: `.*` prints every field of the ingress, so it only works while
        // the ingress holds nothing but the IP (no ipMode).
        var url = await JsonPathAsync(fx, ns, "service/numbers-api", $"http://{{.status.loadBalancer.ingress[0].*}}:{port}");
        Assert.True(url == $"http://{ip}:{port}", $"the scenario's jsonpath printed \"{url}\"");
        Assert.Equal("Hello from numbers-a", await GetAsync(url));
    }

    [Fact]
    public async Task A_service_selecting_nothing_refuses_at_once_instead_of_hanging()
    {
        var ns = await fx.NewNamespaceAsync("nothing");
        await fx.Kubectl.OkAsync("create", "service", "clusterip", "nothing", "-n", ns, "--tcp=80:8080");
        var clusterIp = await JsonPathAsync(fx, ns, "service/nothing", "{.spec.clusterIP}");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("<none>", StringComparison.Ordinal), "empty endpoints", "get", "endpoints", "nothing", "-n", ns);

        var (outcome, took) = await Eventually.UntilAsync(() => ConnectAsync(clusterIp, 80), r => r.Outcome != "open", "the cluster IP answering with a refusal");
        // Refused, as kube-proxy's REJECT rule answers (curl exit 7), not accepted and then reset.
        Assert.Equal("ConnectionRefused", outcome);
        Assert.True(took < TimeSpan.FromSeconds(1), $"the refusal took {took}");
        Assert.Null(await GetAsync($"http://{clusterIp}/"));
    }

    [Fact]
    public async Task A_node_port_already_taken_is_rejected_with_422()
    {
        var ns = await fx.NewNamespaceAsync("taken");
        var nodePort = 30000 + (fx.Server.Port % 2700);
        string Manifest(string name) => $$"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {{name}}
              namespace: {{ns}}
            spec:
              type: NodePort
              selector:
                app: {{name}}
              ports:
              - port: 80
                nodePort: {{nodePort}}
            """;
        await fx.Kubectl.OkWithInputAsync(Manifest("first"), "create", "-f", "-");

        var result = await fx.Kubectl.RunAsync(["create", "-f", "-", "-v=6"], Manifest("second"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("422 Unprocessable Entity", result.Output);
        Assert.Contains($"The Service \"second\" is invalid: spec.ports[0].nodePort: Invalid value: {nodePort}: provided port is already allocated", result.Output);
    }
}
