using System.Text.Json.Nodes;
using Axolotl.ApiServer.Tests.Rest;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Quota;

[Trait("Category", "Integration")]
public sealed class QuotaAdmissionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string Pod(string name, string resources = "{}") =>
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},"spec":{"containers":[{"name":"app","image":"busybox","resources":{{{resources}}}}]}}""";

    private static string Quota(string name, string hard, string extra = "") =>
        $$$"""{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"{{{name}}}"},"spec":{"hard":{{{hard}}}{{{extra}}}}}""";

    private async Task CreateAsync(string ns, string resource, string json)
    {
        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/{resource}", json);
        Assert.True(code == 201, body.ToJsonString());
    }

    private async Task<JsonObject?> UsedAsync(string ns, string quota) =>
        (await api.GetAsync($"/api/v1/namespaces/{ns}/resourcequotas/{quota}")).Body["status"]?["used"] as JsonObject;

    [Fact]
    public async Task The_pod_over_a_pod_count_quota_is_403_with_upstreams_message_and_status_shows_the_usage()
    {
        var ns = await api.CreateNamespaceAsync("quota-pods");
        await CreateAsync(ns, "resourcequotas", Quota("two-pods", """{"pods":"2"}"""));
        await CreateAsync(ns, "pods", Pod("p1"));
        await CreateAsync(ns, "pods", Pod("p2"));

        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods", Pod("p3"));

        Assert.Equal(403, code);
        Assert.Equal("Forbidden", (string?)body["reason"]);
        Assert.Equal("pods \"p3\" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2", (string?)body["message"]);
        Assert.Equal("2", (string?)(await UsedAsync(ns, "two-pods"))?["pods"]);
        var status = (await api.GetAsync($"/api/v1/namespaces/{ns}/resourcequotas/two-pods")).Body["status"]!;
        Assert.Equal("2", (string?)status["hard"]?["pods"]);
    }

    [Fact]
    public async Task A_quota_counts_for_the_very_next_create_in_its_namespace()
    {
        // Read-your-writes: the create right after the quota's 201 is checked against it, however far
        // the quota watch lags behind, and namespaces without a quota stay unchecked.
        for (var i = 0; i < 10; i++)
        {
            var ns = await api.CreateNamespaceAsync($"quota-next-{i}");
            await CreateAsync(ns, "pods", Pod("free"));
            await CreateAsync(ns, "resourcequotas", Quota("none", """{"pods":"0"}"""));

            var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods", Pod("p1"));

            Assert.Equal(403, code);
            Assert.Equal("pods \"p1\" is forbidden: exceeded quota: none, requested: pods=1, used: pods=1, limited: pods=0", (string?)body["message"]);
        }
    }

    [Fact]
    public async Task A_cpu_and_memory_quota_requires_each_container_to_state_them()
    {
        var ns = await api.CreateNamespaceAsync("quota-compute");
        await CreateAsync(ns, "resourcequotas", Quota("compute", """{"requests.cpu":"1","limits.memory":"1Gi"}"""));

        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods", Pod("bare"));
        Assert.Equal(403, code);
        Assert.Equal("pods \"bare\" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app", (string?)body["message"]);

        await CreateAsync(ns, "pods", Pod("sized", """{"requests":{"cpu":"600m"},"limits":{"memory":"256Mi"}}"""));
        var (over, overBody) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods", Pod("big", """{"requests":{"cpu":"500m"},"limits":{"memory":"256Mi"}}"""));
        Assert.Equal(403, over);
        Assert.Equal("pods \"big\" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1",
            (string?)overBody["message"]);
        var used = await UsedAsync(ns, "compute");
        Assert.Equal("600m", (string?)used?["requests.cpu"]);
        Assert.Equal("256Mi", (string?)used?["limits.memory"]);
    }

    [Fact]
    public async Task A_limit_range_default_satisfies_a_compute_quota()
    {
        var ns = await api.CreateNamespaceAsync("quota-defaults");
        await CreateAsync(ns, "limitranges",
            """{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"defaults"},"spec":{"limits":[{"type":"Container","default":{"cpu":"200m"},"defaultRequest":{"cpu":"100m"}}]}}""");
        await CreateAsync(ns, "resourcequotas", Quota("cpu", """{"requests.cpu":"1","limits.cpu":"2"}"""));

        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods", Pod("web"));

        Assert.True(code == 201, body.ToJsonString());
        Assert.Equal("LimitRanger plugin set: cpu request for container app; cpu limit for container app",
            (string?)body["metadata"]!["annotations"]!["kubernetes.io/limit-ranger"]);
        Assert.Equal("100m", (string?)body["spec"]!["containers"]![0]!["resources"]!["requests"]!["cpu"]);
        Assert.Equal("200m", (string?)(await UsedAsync(ns, "cpu"))?["limits.cpu"]);
    }

    [Fact]
    public async Task A_limit_range_minimum_refuses_a_small_request_with_403()
    {
        var ns = await api.CreateNamespaceAsync("limits-min");
        await CreateAsync(ns, "limitranges",
            """{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"bounds"},"spec":{"limits":[{"type":"Container","min":{"cpu":"100m"},"max":{"cpu":"1"}}]}}""");

        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods", Pod("tiny", """{"requests":{"cpu":"50m"}}"""));

        Assert.Equal(403, code);
        Assert.Equal("pods \"tiny\" is forbidden: minimum cpu usage per Container is 100m, but request is 50m.", (string?)body["message"]);
    }

    [Fact]
    public async Task Concurrent_creates_never_exceed_the_quota()
    {
        var ns = await api.CreateNamespaceAsync("quota-race");
        await CreateAsync(ns, "resourcequotas", Quota("three", """{"pods":"3"}"""));

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => api.PostAsync($"/api/v1/namespaces/{ns}/pods", Pod($"r{i}"))));

        Assert.Equal(3, results.Count(r => r.Code == 201));
        Assert.Equal(9, results.Count(r => r.Code == 403));
        Assert.Equal(3, (await api.GetAsync($"/api/v1/namespaces/{ns}/pods")).Body["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Object_counts_limit_deployments_and_config_maps()
    {
        var ns = await api.CreateNamespaceAsync("quota-counts");
        await CreateAsync(ns, "resourcequotas", Quota("objects", """{"count/deployments.apps":"1","configmaps":"1"}"""));
        static string Deployment(string name) =>
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},"spec":{"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"app","image":"busybox"}]}}}}"""
                .Replace("NAME", name, StringComparison.Ordinal);
        var (first, _) = await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d1"));
        Assert.Equal(201, first);
        var (code, body) = await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d2"));
        Assert.Equal(403, code);
        Assert.Equal("deployments.apps \"d2\" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1",
            (string?)body["message"]);

        await CreateAsync(ns, "configmaps", ApiFixture.ConfigMap("c1"));
        var (cm, cmBody) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("c2"));
        Assert.Equal(403, cm);
        Assert.Equal("configmaps \"c2\" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, limited: configmaps=1", (string?)cmBody["message"]);
    }

    [Fact]
    public async Task Finished_and_deleted_pods_free_their_slot()
    {
        var ns = await api.CreateNamespaceAsync("quota-free");
        await CreateAsync(ns, "resourcequotas", Quota("one", """{"pods":"1"}"""));
        await CreateAsync(ns, "pods", Pod("done"));
        Assert.Equal(403, (await api.PostAsync($"/api/v1/namespaces/{ns}/pods", Pod("next"))).Code);

        var (patched, _) = await api.PatchAsync($"/api/v1/namespaces/{ns}/pods/done/status", """{"status":{"phase":"Succeeded"}}""", "application/merge-patch+json");
        Assert.Equal(200, patched);
        await CreateAsync(ns, "pods", Pod("next"));

        Assert.Equal(200, (await api.DeleteAsync($"/api/v1/namespaces/{ns}/pods/next")).Code);
        await CreateAsync(ns, "pods", Pod("third"));
    }

    [Fact]
    public async Task Status_used_drops_after_a_delete_without_any_further_create()
    {
        var ns = await api.CreateNamespaceAsync("quota-status");
        await CreateAsync(ns, "resourcequotas", Quota("pods", """{"pods":"5","services.nodeports":"2"}"""));
        await CreateAsync(ns, "pods", Pod("a"));
        await CreateAsync(ns, "pods", Pod("b"));
        Assert.Equal("2", (string?)(await UsedAsync(ns, "pods"))?["pods"]);
        Assert.Equal("0", (string?)(await UsedAsync(ns, "pods"))?["services.nodeports"]);

        await api.DeleteAsync($"/api/v1/namespaces/{ns}/pods/a");

        await Eventually.UntilAsync(() => UsedAsync(ns, "pods"), used => (string?)used?["pods"] == "1", "status.used.pods to drop to 1", used => used?.ToJsonString() ?? "no status.used");
    }

    [Fact]
    public async Task Turning_a_service_into_a_node_port_is_charged_on_update()
    {
        var ns = await api.CreateNamespaceAsync("quota-svc");
        await CreateAsync(ns, "resourcequotas", Quota("ports", """{"services.nodeports":"1"}"""));
        await CreateAsync(ns, "services",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"selector":{"app":"s"},"ports":[{"name":"a","port":80},{"name":"b","port":81}]}}""");

        var (code, body) = await api.PatchAsync($"/api/v1/namespaces/{ns}/services/s", """{"spec":{"type":"NodePort"}}""", "application/merge-patch+json");

        Assert.Equal(403, code);
        Assert.Equal("services \"s\" is forbidden: exceeded quota: ports, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1",
            (string?)body["message"]);
    }
}
