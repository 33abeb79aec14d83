using System.Globalization;
using Axolotl.Api.Metrics;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Metrics;

/// <summary>
/// The node's /metrics (through nodes/NODE/proxy with the real kubectl) records the healing it did:
/// a crashing container's restart, a liveness probe's kill and restart, and a readiness failure's
/// endpoint removal, each in its own histogram labelled with the node; the kubelet's pod start and
/// runtime operation families count what ran; promtool accepts the exposition and no series repeats.
/// Counts are compared with the scrape before, as other tests share the server.
/// </summary>
[Collection(SharedServerBCollection.Name)]
public sealed class HealingMetricsTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(120);

    private string NodeMetrics => $"/api/v1/nodes/{fx.Server.NodeName}/proxy/metrics";

    private Task<string> ScrapeAsync() => fx.Kubectl.OkAsync("get", "--raw", NodeMetrics);

    private static double Value(string exposition, string series) =>
        exposition.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture)
            : 0;

    private Task<ProcessResult> WaitAsync(Func<ProcessResult, bool> done, string what, params string[] args) =>
        Eventually.UntilAsync(() => fx.Kubectl.RunAsync(args), done, what, Slow);

    private string Count(string family) => $"{family}_count{{node=\"{fx.Server.NodeName}\"}}";

    [Fact]
    public async Task A_crash_restart_and_a_liveness_kill_are_each_recorded_in_their_own_histogram_on_the_nodes_metrics()
    {
        var ns = await fx.NewNamespaceAsync("healing");
        var before = await ScrapeAsync();
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: crasher
              namespace: {{ns}}
            spec:
              containers:
              - name: c
                image: busybox
                command: [sh, -c, 'sleep 1; exit 1']
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: unhealthy
              namespace: {{ns}}
            spec:
              containers:
              - name: c
                image: busybox
                command: [sh, -c, 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600']
                livenessProbe:
                  exec: {command: [cat, /tmp/healthy]}
                  periodSeconds: 1
                  failureThreshold: 1
            """, "apply", "-f", "-");

        await WaitAsync(r => int.TryParse(r.Stdout, out var n) && n >= 1, "the crasher restarted",
            "get", "pod", "crasher", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
        await WaitAsync(r => int.TryParse(r.Stdout, out var n) && n >= 1, "the liveness probe's restart",
            "get", "pod", "unhealthy", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
        var after = await Eventually.UntilAsync(ScrapeAsync,
            m => Value(m, Count("axolotl_container_restart_duration_seconds")) >= Value(before, Count("axolotl_container_restart_duration_seconds")) + 1
                && Value(m, Count("axolotl_probe_restart_duration_seconds")) >= Value(before, Count("axolotl_probe_restart_duration_seconds")) + 1,
            "both restarts in the node's histograms", Slow);

        Assert.Contains("# TYPE axolotl_container_restart_duration_seconds histogram", after);
        Assert.Matches($@"axolotl_probe_restart_duration_seconds_bucket\{{node=""{fx.Server.NodeName}"",le=""\+Inf""\}} [1-9]\d*", after);
        Assert.Contains("# TYPE axolotl_readiness_endpoint_removal_seconds histogram", after);
        Assert.True(Value(after, "kubelet_pod_start_duration_seconds_count") >= Value(before, "kubelet_pod_start_duration_seconds_count") + 2, after);
        Assert.True(Value(after, "kubelet_runtime_operations_total{operation_type=\"start_container\"}") >= 3);
        Assert.True(Value(after, "kubelet_runtime_operations_total{operation_type=\"stop_container\"}") >= 1);
        Assert.True(Value(after, "kubelet_runtime_operations_total{operation_type=\"exec_sync\"}") >= 1);
        Assert.Contains("kubelet_runtime_operations_duration_seconds_bucket{operation_type=\"start_container\",le=\"0.005\"}", after);
        await MetricsTests.PromtoolCheckAsync(after);
        Assert.Empty(DuplicateSeries.Find(after));
    }

    [Fact]
    public async Task A_readiness_failure_is_recorded_once_its_endpoint_leaves_the_EndpointSlice()
    {
        var ns = await fx.NewNamespaceAsync("readiness-metric");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: {{ns}}
              labels: {app: web}
            spec:
              containers:
              - name: c
                image: busybox
                command: [sh, -c, 'touch /tmp/ready; sleep 3600']
                readinessProbe:
                  exec: {command: [cat, /tmp/ready]}
                  periodSeconds: 1
                  failureThreshold: 1
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: {{ns}}
            spec:
              selector: {app: web}
              ports:
              - port: 80
            """, "apply", "-f", "-");
        await WaitAsync(r => r.Stdout == "true", "the endpoint ready in the slice",
            "get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=web", "-o", "jsonpath={.items[0].endpoints[0].conditions.ready}");
        var before = await ScrapeAsync();

        await fx.Kubectl.OkAsync("exec", "web", "-n", ns, "--", "rm", "/tmp/ready");

        await WaitAsync(r => r.Stdout == "false", "the endpoint not ready in the slice",
            "get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=web", "-o", "jsonpath={.items[0].endpoints[0].conditions.ready}");
        var after = await Eventually.UntilAsync(ScrapeAsync,
            m => Value(m, Count("axolotl_readiness_endpoint_removal_seconds")) >= Value(before, Count("axolotl_readiness_endpoint_removal_seconds")) + 1,
            "the removal in the node's histogram", Slow);
        Assert.Matches($@"axolotl_readiness_endpoint_removal_seconds_bucket\{{node=""{fx.Server.NodeName}"",le=""300""\}} [1-9]\d*", after);
        await MetricsTests.PromtoolCheckAsync(after);
    }
}
