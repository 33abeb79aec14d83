using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>
/// managedFields record a write on the decoded, defaulted object, before mutating admission, as kube-apiserver's
/// field manager does: defaults belong to the writer, what the Priority and DefaultTolerationSeconds plugins add
/// (and what a registry sets on create) belongs to nobody.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ManagedFieldsAdmissionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Pod = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"web"}},"spec":{"containers":[{"name":"a","image":"busybox"}]}}""";

    private static JsonObject Entry(JsonObject obj, string manager) =>
        obj["metadata"]!["managedFields"]!.AsArray().Single(e => (string?)e!["manager"] == manager)!.AsObject();

    private static JsonObject Spec(JsonObject entry) => entry["fieldsV1"]!["f:spec"]!.AsObject();

    [Fact]
    public async Task A_pods_creator_owns_what_it_sent_and_the_defaults_but_not_what_admission_added()
    {
        var ns = await api.CreateNamespaceAsync("mf-create");
        var (code, pod) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods?fieldManager=creator", Pod);
        Assert.True(code == 201, pod.ToJsonString());
        // Admission did add them: otherwise the assertions below would prove nothing.
        Assert.Equal(2, pod["spec"]!["tolerations"]!.AsArray().Count);
        Assert.Equal(0, (int?)pod["spec"]!["priority"]);
        Assert.Equal("PreemptLowerPriority", (string?)pod["spec"]!["preemptionPolicy"]);

        var spec = Spec(Entry(pod, "creator"));
        Assert.Equal(
            ["f:containers", "f:dnsPolicy", "f:enableServiceLinks", "f:restartPolicy", "f:schedulerName", "f:securityContext", "f:terminationGracePeriodSeconds"],
            spec.Select(p => p.Key).Order(StringComparer.Ordinal));
        // As 1.32 records it: the list Go always writes is no member itself, its new item is, and the item's
        // resources (a struct Go writes empty) are owned with it.
        Assert.Equal(["k:{\"name\":\"a\"}"], spec["f:containers"]!.AsObject().Select(p => p.Key));
        var container = spec["f:containers"]!["k:{\"name\":\"a\"}"]!.AsObject();
        Assert.Equal(
            [".", "f:image", "f:imagePullPolicy", "f:name", "f:resources", "f:terminationMessagePath", "f:terminationMessagePolicy"],
            container.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Single(pod["metadata"]!["managedFields"]!.AsArray());
    }

    [Fact]
    public async Task An_apply_after_a_create_does_not_conflict_over_the_tolerations_admission_added()
    {
        var ns = await api.CreateNamespaceAsync("mf-apply");
        var (created, _) = await api.PostAsync($"/api/v1/namespaces/{ns}/pods?fieldManager=creator", Pod);
        Assert.Equal(201, created);

        // The two tolerations DefaultTolerationSeconds added, and one more (a pod update may add tolerations).
        var config = $$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"{{{ns}}}"},"spec":{"tolerations":[
              {"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},
              {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},
              {"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]}}
            """;
        var (code, pod) = await api.PatchAsync($"/api/v1/namespaces/{ns}/pods/p?fieldManager=applier", config, "application/apply-patch+yaml");

        Assert.True(code == 200, pod.ToJsonString());
        Assert.Equal(3, pod["spec"]!["tolerations"]!.AsArray().Count);
        Assert.NotNull(Spec(Entry(pod, "applier"))["f:tolerations"]);
        Assert.Null(Spec(Entry(pod, "creator"))["f:tolerations"]);
    }

    [Fact]
    public async Task A_namespaces_creator_owns_its_name_label_but_not_the_finalizer_its_registry_adds()
    {
        var (code, ns) = await api.PostAsync("/api/v1/namespaces?fieldManager=creator",
            """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"mf-namespace"}}""");
        Assert.True(code == 201, ns.ToJsonString());
        Assert.Equal(["kubernetes"], ns["spec"]!["finalizers"]!.AsArray().Select(f => (string?)f));

        var fields = Entry(ns, "creator")["fieldsV1"]!.AsObject();
        Assert.Equal(["f:metadata"], fields.Select(p => p.Key));
        Assert.NotNull(fields["f:metadata"]!["f:labels"]!["f:kubernetes.io/metadata.name"]);
    }
}
