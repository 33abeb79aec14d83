using System.Text;
using Axolotl.Api.Metrics;
using Axolotl.ApiServer.Metrics;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.Metrics;

public sealed class KubeStateMetricsTests
{
    private static async Task<string> ScrapeAsync(int maxPods, params (string Key, string Json)[] objects)
    {
        await using var store = new InMemoryStore();
        foreach (var (key, json) in objects)
        {
            await store.CreateAsync(key, Encoding.UTF8.GetBytes(json), CancellationToken.None);
        }
        using var registry = new MetricsRegistry(_ => false);
        using var kubeState = new KubeStateMetrics(new ObjectStore(store)) { MaxPods = maxPods };
        registry.Add(kubeState);
        return await registry.ScrapeAsync(CancellationToken.None);
    }

    private const string CrashLooping = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"u-1","creationTimestamp":"2026-11-23T10:00:00Z",
         "ownerReferences":[{"kind":"ReplicaSet","name":"web-abc","controller":true}]},
         "spec":{"nodeName":"n1","containers":[{"name":"app","image":"img\"x\\y\nz"}]},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],
          "containerStatuses":[
           {"name":"app","restartCount":7,"ready":false,"image":"img","imageID":"sha256:1","containerID":"axolotl://c1",
            "state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"reason":"Error","exitCode":1}}},
           {"name":"app","restartCount":9,"state":{"running":{}}}]}}
        """;

    [Fact]
    public async Task A_crash_looping_container_has_its_restarts_waiting_reason_and_last_termination_as_kube_state_metrics_writes_them()
    {
        var text = await ScrapeAsync(100, ("/pods/shop/web-1", CrashLooping));

        Assert.Contains("# TYPE kube_pod_container_status_restarts_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_container_status_restarts_total{namespace=\"shop\",pod=\"web-1\",uid=\"u-1\",container=\"app\"} 7\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_container_status_waiting_reason{namespace=\"shop\",pod=\"web-1\",uid=\"u-1\",container=\"app\",reason=\"CrashLoopBackOff\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_container_status_last_terminated_reason{namespace=\"shop\",pod=\"web-1\",uid=\"u-1\",container=\"app\",reason=\"Error\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_container_status_last_terminated_exitcode{namespace=\"shop\",pod=\"web-1\",uid=\"u-1\",container=\"app\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_status_phase{namespace=\"shop\",pod=\"web-1\",uid=\"u-1\",phase=\"Running\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_status_phase{namespace=\"shop\",pod=\"web-1\",uid=\"u-1\",phase=\"Pending\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_status_ready{namespace=\"shop\",pod=\"web-1\",uid=\"u-1\",condition=\"false\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("created_by_kind=\"ReplicaSet\",created_by_name=\"web-abc\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_strings_are_escaped_and_a_container_listed_twice_is_one_series()
    {
        var text = await ScrapeAsync(100, ("/pods/shop/web-1", CrashLooping));

        Assert.Contains("image_spec=\"img\\\"x\\\\y\\nz\"", text, StringComparison.Ordinal);
        Assert.Empty(DuplicateSeries.Find(text));
        Assert.DoesNotContain("} 9\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deployments_and_node_conditions_carry_kube_state_metrics_labels()
    {
        var text = await ScrapeAsync(100,
            ("/apps/deployments/shop/web", """{"metadata":{"name":"web","namespace":"shop","generation":3},"spec":{"replicas":4},"status":{"replicas":4,"availableReplicas":3,"unavailableReplicas":1,"updatedReplicas":4,"readyReplicas":3,"observedGeneration":3}}"""),
            ("/nodes/n1", """{"metadata":{"name":"n1"},"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Ready","status":"False"},{"type":"MemoryPressure","status":"False"}]}}"""));

        Assert.Contains("kube_deployment_spec_replicas{namespace=\"shop\",deployment=\"web\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_deployment_status_replicas_available{namespace=\"shop\",deployment=\"web\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_node_status_condition{node=\"n1\",condition=\"Ready\",status=\"true\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_node_status_condition{node=\"n1\",condition=\"MemoryPressure\",status=\"false\"} 1\n", text, StringComparison.Ordinal);
        Assert.Empty(DuplicateSeries.Find(text));
    }

    [Fact]
    public async Task Pods_beyond_the_limit_are_left_out_and_counted()
    {
        var pods = Enumerable.Range(0, 5).Select(i => ($"/pods/ns/p{i}", $$$"""{"metadata":{"name":"p{{{i}}}","namespace":"ns","uid":"u{{{i}}}"},"status":{"phase":"Pending"}}""")).ToArray();

        var text = await ScrapeAsync(3, pods);

        Assert.Equal(3, text.Split('\n').Count(l => l.StartsWith("kube_pod_info{", StringComparison.Ordinal)));
        Assert.Contains("axolotl_kube_state_metrics_pods_omitted 2\n", text, StringComparison.Ordinal);
    }
}
