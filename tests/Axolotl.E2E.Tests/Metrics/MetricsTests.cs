using System.Text.Json.Nodes;
using Axolotl.Api.Metrics;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Metrics;

/// <summary>
/// The API server's /metrics and /metrics/kube-state-metrics through the real kubectl and Debian's
/// promtool: an admin reads them, a ServiceAccount without rights is Forbidden until bound to
/// system:monitoring, no credentials at all is 401, and every exposition passes `promtool check
/// metrics` with no series written twice, hostile label values included.
/// </summary>
[Collection(SharedServerHCollection.Name)]
public sealed class MetricsTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    internal static async Task<string> PromtoolCheckAsync(string exposition)
    {
        var result = await ProcessRunner.RunAsync("/usr/bin/promtool", ["check", "metrics"], stdin: exposition, timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, "promtool check metrics: " + result);
        return result.Output;
    }

    [Fact]
    public async Task An_admin_reads_the_API_servers_metrics_and_promtool_accepts_them()
    {
        await fx.Kubectl.OkAsync("get", "pods", "-A");
        var metrics = await fx.Kubectl.OkAsync("get", "--raw", "/metrics");

        Assert.Contains("# TYPE apiserver_request_total counter", metrics);
        Assert.Matches(@"apiserver_request_total\{code=""200"",component=""apiserver"",dry_run="""",group="""",resource=""pods"",scope=""cluster"",subresource="""",verb=""LIST"",version=""v1""\} \d+", metrics);
        Assert.Contains("apiserver_request_duration_seconds_bucket{component=\"apiserver\",dry_run=\"\",group=\"\",resource=\"pods\",scope=\"cluster\",subresource=\"\",verb=\"LIST\",version=\"v1\",le=\"+Inf\"}", metrics);
        Assert.Contains("apiserver_current_inflight_requests{request_kind=\"readOnly\"}", metrics);
        Assert.Matches(@"apiserver_storage_objects\{resource=""namespaces""\} [1-9]\d*", metrics);
        await PromtoolCheckAsync(metrics);
        Assert.Empty(DuplicateSeries.Find(metrics));
    }

    [Fact]
    public async Task Kube_state_metrics_escape_hostile_label_values_and_pass_promtool()
    {
        var ns = await fx.NewNamespaceAsync("ksm");
        // A pod name cannot hold quotes or backslashes, but an image reference is any string the user writes.
        const string image = "busybox\\\"evil\"\\nnot-a-line";
        var manifest = $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: hostile\n  namespace: {ns}\nspec:\n  nodeName: no-such-node\n  containers:\n  - name: c\n    image: '{image.Replace("'", "''", StringComparison.Ordinal)}'\n";
        await fx.Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");

        var metrics = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "--raw", "/metrics/kube-state-metrics"),
            m => m.Contains($"kube_pod_status_phase{{namespace=\"{ns}\",pod=\"hostile\"", StringComparison.Ordinal), "the pod in kube-state-metrics");

        Assert.Contains("# TYPE kube_pod_container_status_restarts_total counter", metrics);
        Assert.Matches($@"kube_pod_status_phase\{{namespace=""{ns}"",pod=""hostile"",uid=""[0-9a-f-]+"",phase=""Pending""\}} 1", metrics);
        Assert.Matches(@"kube_node_status_condition\{node=""[^""]+"",condition=""Ready"",status=""true""\} 1", metrics);
        await PromtoolCheckAsync(metrics);
        Assert.Empty(DuplicateSeries.Find(metrics));
    }

    [Fact]
    public async Task A_ServiceAccount_is_Forbidden_until_bound_to_system_monitoring_and_anonymous_is_Unauthorized()
    {
        var ns = await fx.NewNamespaceAsync("metrics-rbac");
        await fx.Kubectl.OkAsync("create", "serviceaccount", "scraper", "-n", ns);
        var token = (await fx.Kubectl.OkAsync("create", "token", "scraper", "-n", ns)).Trim();

        var denied = await fx.Kubectl.RunAsync("get", "--raw", "/metrics", "--token", token);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains($"Error from server (Forbidden): forbidden: User \"system:serviceaccount:{ns}:scraper\" cannot get path \"/metrics\"", denied.Output);

        await fx.Kubectl.OkAsync("create", "clusterrolebinding", $"{ns}-scraper", "--clusterrole=system:monitoring", $"--serviceaccount={ns}:scraper");
        var allowed = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "the scraper may read /metrics", "get", "--raw", "/metrics", "--token", token);
        Assert.Contains("apiserver_request_total", allowed.Stdout);
        Assert.Equal(0, (await fx.Kubectl.RunAsync("get", "--raw", "/metrics/kube-state-metrics", "--token", token)).ExitCode);
        // system:monitoring reads metrics, not objects.
        Assert.Contains("Forbidden", (await fx.Kubectl.RunAsync("get", "pods", "-n", ns, "--token", token)).Output);

        var anonymous = await ProcessRunner.RunAsync("/usr/bin/curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", $"https://127.0.0.1:{fx.Server.Port}/metrics"]);
        Assert.Equal("401", anonymous.Stdout.Trim());
        await fx.Kubectl.OkAsync("delete", "clusterrolebinding", $"{ns}-scraper");
    }

    [Fact]
    public async Task The_agents_kubelet_resource_and_cadvisor_metrics_are_read_through_the_node_proxy()
    {
        var ns = await fx.NewNamespaceAsync("node-metrics");
        await fx.Kubectl.OkWithInputAsync(
            $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: sleeper\n  namespace: {ns}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'sleep 3600']\n",
            "apply", "-f", "-");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout == "Running", "the pod running", "get", "pod", "sleeper", "-n", ns, "-o", "jsonpath={.status.phase}");
        var node = $"/api/v1/nodes/{fx.Server.NodeName}/proxy";

        var kubelet = await fx.Kubectl.OkAsync("get", "--raw", node + "/metrics");
        Assert.Matches(@"kubelet_running_pods [1-9]\d*", kubelet);
        Assert.Matches(@"kubelet_running_containers\{container_state=""running""\} [1-9]\d*", kubelet);
        var resource = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "--raw", node + "/metrics/resource"),
            m => m.Contains($"container_memory_working_set_bytes{{container=\"c\",namespace=\"{ns}\",pod=\"sleeper\"}}", StringComparison.Ordinal), "the container's working set");
        Assert.Matches(@"node_cpu_usage_seconds_total [0-9.e+]+", resource);
        Assert.Matches(@"node_memory_working_set_bytes [1-9]\d*", resource);
        Assert.Contains($"pod_cpu_usage_seconds_total{{namespace=\"{ns}\",pod=\"sleeper\"}}", resource);
        var cadvisor = await fx.Kubectl.OkAsync("get", "--raw", node + "/metrics/cadvisor");
        Assert.Matches($@"container_memory_working_set_bytes\{{container=""c"",id=""/[0-9a-f-]+/c"",image=""busybox"",name=""[^""]+"",namespace=""{ns}"",pod=""sleeper""\}} [1-9]\d*", cadvisor);
        Assert.Contains("container_cpu_usage_seconds_total{container=\"c\"", cadvisor);
        foreach (var exposition in (string[])[kubelet, resource, cadvisor])
        {
            await PromtoolCheckAsync(exposition);
            Assert.Empty(DuplicateSeries.Find(exposition));
        }
        Assert.Contains("NotFound", (await fx.Kubectl.RunAsync("get", "--raw", "/api/v1/nodes/no-such-node/proxy/metrics")).Output);
    }

    internal static JsonNode? Json(string text) => JsonNode.Parse(text);
}
