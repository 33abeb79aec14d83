using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Tests.Rest;

[Trait("Category", "Integration")]
public sealed class DeletionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_object_with_a_finalizer_lingers_with_a_deletionTimestamp_until_the_finalizer_is_removed()
    {
        var ns = await api.CreateNamespaceAsync("del-1");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("f", "\"finalizers\":[\"example.com/hold\"]"));
        var (code, deleted) = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/f");
        Assert.Equal(200, code);
        Assert.NotNull(deleted["metadata"]!["deletionTimestamp"]);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/f")).Code);

        var released = await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/f", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        Assert.Equal(200, released.Code);
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/f")).Code);
    }

    [Fact]
    public async Task The_all_namespaces_path_of_a_namespaced_kind_lists_but_refuses_create_and_delete_collection_with_405()
    {
        var ns = await api.CreateNamespaceAsync("del-all");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("keep"));

        var (deleteCode, deleteStatus) = await api.DeleteAsync("/api/v1/configmaps");
        var (postCode, postStatus) = await api.PostAsync("/api/v1/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"made","namespace":"del-all"}}""");

        Assert.Equal(405, deleteCode);
        Assert.Equal("MethodNotAllowed", (string?)deleteStatus["reason"]);
        Assert.Equal("the server does not allow this method on the requested resource", (string?)deleteStatus["message"]);
        Assert.Equal(405, postCode);
        Assert.Equal("MethodNotAllowed", (string?)postStatus["reason"]);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/keep")).Code);
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/made")).Code);
        var listed = (await api.GetAsync("/api/v1/configmaps")).Body;
        Assert.Contains(listed["items"]!.AsArray(), i => (string?)i!["metadata"]!["name"] == "keep");
    }

    [Fact]
    public async Task Foreground_and_orphan_deletion_add_their_finalizers()
    {
        var ns = await api.CreateNamespaceAsync("del-2");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("fg", "\"finalizers\":[\"example.com/hold\"]"));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("or", "\"finalizers\":[\"example.com/hold\"]"));
        var (_, fg) = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/fg", """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}""");
        var (_, or) = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/or?propagationPolicy=Orphan");
        Assert.Contains("foregroundDeletion", fg["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.Contains("orphan", or["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public async Task A_uid_precondition_that_does_not_match_is_409()
    {
        var ns = await api.CreateNamespaceAsync("del-3");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("p"));
        var (code, body) = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/p", """{"preconditions":{"uid":"not-the-uid"}}""");
        Assert.Equal(409, code);
        Assert.Contains("Precondition failed: UID in precondition: not-the-uid", (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pod_bound_to_a_node_is_deleted_gracefully_and_an_unbound_one_at_once()
    {
        var ns = await api.CreateNamespaceAsync("del-4");
        const string pod = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""";
        await api.PostAsync($"/api/v1/namespaces/{ns}/pods", pod.Replace("NAME", "unbound", StringComparison.Ordinal));
        await api.PostAsync($"/api/v1/namespaces/{ns}/pods", pod.Replace("NAME", "bound", StringComparison.Ordinal));
        var (bindCode, _) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods/bound/binding",
            """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound"},"target":{"kind":"Node","name":"node-1"}}""");
        Assert.Equal(201, bindCode);

        await api.DeleteAsync($"/api/v1/namespaces/{ns}/pods/unbound");
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/pods/unbound")).Code);

        var (_, bound) = await api.DeleteAsync($"/api/v1/namespaces/{ns}/pods/bound");
        Assert.Equal(30L, (long?)bound["metadata"]!["deletionGracePeriodSeconds"]);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/pods/bound")).Code);

        await api.DeleteAsync($"/api/v1/namespaces/{ns}/pods/bound", """{"gracePeriodSeconds":0}""");
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/pods/bound")).Code);
    }

    [Fact]
    public async Task Binding_an_already_bound_pod_is_409()
    {
        var ns = await api.CreateNamespaceAsync("del-5");
        await api.PostAsync($"/api/v1/namespaces/{ns}/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
        const string binding = """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{"kind":"Node","name":"n1"}}""";
        Assert.Equal(201, (await api.PostAsync($"/api/v1/namespaces/{ns}/pods/p/binding", binding)).Code);
        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods/p/binding", binding);
        Assert.Equal(409, code);
        Assert.Contains("is already assigned to node \"n1\"", (string?)body["message"], StringComparison.Ordinal);
        var (_, pod) = await api.GetAsync($"/api/v1/namespaces/{ns}/pods/p");
        Assert.Equal("n1", (string?)pod["spec"]!["nodeName"]);
        Assert.Contains(pod["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "PodScheduled" && (string?)c["status"] == "True");
    }

    [Fact]
    public async Task Eviction_deletes_the_pod_and_answers_201()
    {
        var ns = await api.CreateNamespaceAsync("del-6");
        await api.PostAsync($"/api/v1/namespaces/{ns}/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"e"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
        var (code, _) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods/e/eviction",
            "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"e\",\"namespace\":\"" + ns + "\"}}");
        Assert.Equal(201, code);
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/pods/e")).Code);
        Assert.Equal(404, (await api.PostAsync($"/api/v1/namespaces/{ns}/pods/e/eviction", """{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"e"}}""")).Code);
    }

    [Fact]
    public async Task A_deleted_namespace_is_Terminating_and_refuses_new_content()
    {
        var ns = await api.CreateNamespaceAsync("del-7");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("hold", "\"finalizers\":[\"example.com/hold\"]"));
        var (_, deleted) = await api.DeleteAsync($"/api/v1/namespaces/{ns}");
        Assert.Equal("Terminating", (string?)deleted["status"]!["phase"]);
        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("late"));
        Assert.Equal(403, code);
        Assert.Contains("because it is being terminated", (string?)body["message"], StringComparison.Ordinal);
    }
}
