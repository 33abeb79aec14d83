using System.Globalization;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Autoscaling;

/// <summary>
/// `kubectl top` against the resource metrics API the server computes from its agent's cgroup
/// readings: a busy loop shows real CPU, nodes show their usage, and view-holders may read it.
/// </summary>
public sealed class ResourceMetricsTests(ResourceMetricsFixture fx) : IClassFixture<ResourceMetricsFixture>
{
    private const string Burner = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: burn
          labels: {app: burner}
        spec:
          restartPolicy: Never
          containers:
          - name: loop
            image: busybox
            command: [sh, -c, "while :; do :; done"]
            resources:
              requests: {cpu: 100m}
              limits: {cpu: 300m}
        """;

    [Fact]
    public async Task Kubectl_top_shows_the_cgroup_usage_of_a_cpu_burner_and_of_the_node()
    {
        var server = fx.Server;
        var kubectl = fx.Kubectl;
        await kubectl.OkWithInputAsync(Burner, "apply", "-f", "-");

        var top = await Eventually.UntilAsync(() => kubectl.RunAsync("top", "pod", "burn", "--no-headers"),
            r => r.ExitCode == 0 && MilliCores(TableText.Cells(r.Stdout)[1]) > 100, "the burner's CPU in kubectl top", TimeSpan.FromSeconds(90));
        Assert.Equal("burn", TableText.Cells(top.Stdout)[0]);
        Assert.EndsWith("Mi", TableText.Cells(top.Stdout)[2], StringComparison.Ordinal);

        var containers = await kubectl.OkAsync("top", "pods", "-l", "app=burner", "--containers");
        Assert.Equal(["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"], TableText.Header(containers));
        Assert.Equal("loop", TableText.Row(containers, "burn")[1]);
        Assert.True(MilliCores(TableText.Row(containers, "burn")[2]) > 100, containers);

        var all = await kubectl.OkAsync("top", "pods", "-A");
        Assert.Equal("default", TableText.Row(all, "default")[0]);
        Assert.Contains("No resources found", (await kubectl.RunAsync("top", "pods", "-l", "app=nothing")).Stderr, StringComparison.Ordinal);

        var nodes = await Eventually.UntilAsync(() => kubectl.RunAsync("top", "nodes"), r => r.ExitCode == 0, "kubectl top nodes");
        var row = TableText.Row(nodes.Stdout, server.NodeName);
        Assert.True(MilliCores(row[1]) > 100, nodes.Stdout);
        Assert.EndsWith("%", row[2], StringComparison.Ordinal);
        Assert.EndsWith("Mi", row[3], StringComparison.Ordinal);

        var raw = await kubectl.OkAsync("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burn");
        Assert.Contains("\"kind\":\"PodMetrics\"", raw, StringComparison.Ordinal);
        Assert.Contains("\"labels\":{\"app\":\"burner\"}", raw, StringComparison.Ordinal);
        Assert.Contains("(NotFound)", await kubectl.FailAsync("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/absent"), StringComparison.Ordinal);
        Assert.Contains("(MethodNotAllowed)", await kubectl.FailAsync("create", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", "-f", "/dev/null"), StringComparison.Ordinal);
        // The class's server lives on for the other test: the burner stops now, not at the server's end.
        await kubectl.OkAsync("delete", "pod", "burn", "--grace-period=1", "--wait=false");
    }

    [Fact]
    public async Task The_view_role_may_read_resource_metrics_as_metrics_servers_aggregated_reader_allows()
    {
        var kubectl = fx.Kubectl;
        await kubectl.OkAsync("create", "serviceaccount", "reader");
        await kubectl.OkAsync("create", "rolebinding", "reader-view", "--clusterrole=view", "--serviceaccount=default:reader");

        await Eventually.KubectlAsync(kubectl, r => r.Stdout.Trim() == "yes", "view to include pods.metrics.k8s.io",
            "auth", "can-i", "list", "pods.metrics.k8s.io", "--as=system:serviceaccount:default:reader");
        Assert.Equal("no", (await kubectl.RunAsync("auth", "can-i", "list", "pods.metrics.k8s.io", "--as=system:serviceaccount:default:stranger")).Stdout.Trim());
        var role = await kubectl.OkAsync("get", "clusterrole", "system:aggregated-metrics-reader", "-o", "jsonpath={.metadata.labels}");
        Assert.Contains("\"rbac.authorization.k8s.io/aggregate-to-admin\":\"true\"", role, StringComparison.Ordinal);
    }

    private static double MilliCores(string cell) =>
        cell.EndsWith('m') ? double.Parse(cell[..^1], CultureInfo.InvariantCulture) : double.Parse(cell, CultureInfo.InvariantCulture) * 1000;
}
