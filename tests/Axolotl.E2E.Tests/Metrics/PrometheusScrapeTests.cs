using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Metrics;

/// <summary>
/// Debian's real Prometheus scrapes a real server on loopback with a ServiceAccount token bound to
/// system:monitoring and the cluster CA, and answers through its HTTP API the restart counter and the
/// CrashLoopBackOff waiting reason of a crashing pod, with the kubernetes-mixin's KubePodCrashLooping
/// expression as written upstream, and, from the node's /metrics through nodes/NODE/proxy, the
/// restart histogram the crashes went into. The test's Prometheus runs on a free loopback port with a temporary
/// storage directory and is stopped by its PID; the package's own service is never used.
/// </summary>
[Collection(SharedServerHCollection.Name)]
public sealed class PrometheusScrapeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Prometheus_scrapes_the_server_and_sees_a_crash_looping_pods_restarts_and_waiting_reason()
    {
        var ns = await fx.NewNamespaceAsync("prom");
        await fx.Kubectl.OkAsync("create", "serviceaccount", "prometheus", "-n", ns);
        await fx.Kubectl.OkAsync("create", "clusterrolebinding", $"{ns}-prometheus", "--clusterrole=system:monitoring", $"--serviceaccount={ns}:prometheus");
        // The node's kubelet metrics are read through nodes/NODE/proxy, as Prometheus' kubelet job does with a node role.
        await fx.Kubectl.OkAsync("create", "clusterrole", $"{ns}-kubelet-metrics", "--verb=get", "--resource=nodes/proxy");
        await fx.Kubectl.OkAsync("create", "clusterrolebinding", $"{ns}-kubelet-metrics", $"--clusterrole={ns}-kubelet-metrics", $"--serviceaccount={ns}:prometheus");
        var token = (await fx.Kubectl.OkAsync("create", "token", "prometheus", "-n", ns, "--duration", "1h")).Trim();
        await fx.Kubectl.OkWithInputAsync(
            $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: crasher\n  namespace: {ns}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'exit 1']\n",
            "apply", "-f", "-");

        var dir = Path.Combine(fx.WorkDir, $"prometheus-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var tokenFile = Path.Combine(dir, "token");
        await File.WriteAllTextAsync(tokenFile, token);
        var ca = Path.Combine(fx.Server.DataDir, "pki", "ca.crt");
        var port = LoopbackPorts.Free();
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: apiserver
                scheme: https
                authorization: { credentials_file: {{tokenFile}} }
                tls_config: { ca_file: {{ca}}, server_name: 127.0.0.1 }
                static_configs: [{ targets: ['127.0.0.1:{{fx.Server.Port}}'] }]
              - job_name: kube-state-metrics
                scheme: https
                metrics_path: /metrics/kube-state-metrics
                authorization: { credentials_file: {{tokenFile}} }
                tls_config: { ca_file: {{ca}}, server_name: 127.0.0.1 }
                static_configs: [{ targets: ['127.0.0.1:{{fx.Server.Port}}'] }]
              - job_name: kubelet
                scheme: https
                metrics_path: /api/v1/nodes/{{fx.Server.NodeName}}/proxy/metrics
                authorization: { credentials_file: {{tokenFile}} }
                tls_config: { ca_file: {{ca}}, server_name: 127.0.0.1 }
                static_configs: [{ targets: ['127.0.0.1:{{fx.Server.Port}}'] }]
            """);
        var check = await ProcessRunner.RunAsync("/usr/bin/promtool", ["check", "config", config]);
        Assert.True(check.ExitCode == 0, check.ToString());

        var prometheus = BackgroundProcess.Start("/usr/bin/prometheus",
        [
            $"--config.file={config}", $"--web.listen-address=127.0.0.1:{port}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            "--storage.tsdb.retention.time=1h",
        ], new Dictionary<string, string>());
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await Eventually.UntilAsync(() => TargetsAsync(http), t => t == "up,up,up", "the three targets up", Slow);

            var restarts = await Eventually.UntilAsync(
                () => QueryAsync(http, $"kube_pod_container_status_restarts_total{{job=\"kube-state-metrics\",namespace=\"{ns}\",pod=\"crasher\",container=\"c\"}}"),
                v => v >= 2, "two restarts seen by Prometheus", Slow);
            Assert.True(restarts >= 2);
            var crashLooping = await Eventually.UntilAsync(
                () => QueryAsync(http, $"max_over_time(kube_pod_container_status_waiting_reason{{reason=\"CrashLoopBackOff\", job=\"kube-state-metrics\", namespace=\"{ns}\"}}[5m]) >= 1"),
                v => v >= 1, "KubePodCrashLooping's expression fires", Slow);
            Assert.Equal(1, crashLooping);
            // A GET of one object, so the series exists whatever ran on this shared server before (a fixed read once
            // found none: the scrape before it had seen only lists, watches and writes).
            await fx.Kubectl.RunAsync("get", "namespace", ns);
            await Eventually.UntilAsync(() => QueryAsync(http, "sum(apiserver_request_total{job=\"apiserver\",verb=\"GET\"})"),
                v => v > 0, "GET requests counted by Prometheus", Slow);
            // The crasher's restarts went through this node: Prometheus reads the healing histogram it recorded.
            var healed = await Eventually.UntilAsync(
                () => QueryAsync(http, $"sum(axolotl_container_restart_duration_seconds_count{{job=\"kubelet\",node=\"{fx.Server.NodeName}\"}})"),
                v => v >= 1, "the node's restart histogram in Prometheus", Slow);
            Assert.True(healed >= 1);
            Assert.True(await QueryAsync(http, "sum(kubelet_runtime_operations_total{job=\"kubelet\",operation_type=\"start_container\"})") >= 2);
        }
        finally
        {
            await prometheus.DisposeAsync();
            await fx.Kubectl.RunAsync("delete", "clusterrolebinding", $"{ns}-prometheus");
            await fx.Kubectl.RunAsync("delete", "clusterrolebinding", $"{ns}-kubelet-metrics");
            await fx.Kubectl.RunAsync("delete", "clusterrole", $"{ns}-kubelet-metrics");
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> TargetsAsync(HttpClient http)
    {
        try
        {
            var body = JsonNode.Parse(await http.GetStringAsync("/api/v1/targets"))!;
            var health = body["data"]!["activeTargets"]!.AsArray().Select(t => t!["health"]!.GetValue<string>()).Order(StringComparer.Ordinal);
            return string.Join(',', health);
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    /// <summary>The first value of an instant query; -1 while it has none yet.</summary>
    private static async Task<double> QueryAsync(HttpClient http, string query)
    {
        var body = JsonNode.Parse(await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query)))!;
        var result = body["data"]!["result"]!.AsArray();
        return result.Count == 0 ? -1 : double.Parse(result[0]!["value"]![1]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
