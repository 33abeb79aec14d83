using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.ServerSideApply;

/// <summary>
/// `kubectl apply --server-side` against the real kubectl: field managers, conflicts with upstream's message,
/// --force-conflicts, fields dropped from a manifest, managedFields after create/edit/scale, and the switch
/// from client-side apply.
/// </summary>
[Collection(SharedServerACollection.Name)]
public sealed class ServerSideApplyTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string Deployment(string ns, int replicas, string image = "nginx:1.25", string extraLabels = "", string extraSpec = "") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {ns}
          labels:
            app: web
        {extraLabels}
        spec:
          replicas: {replicas}
        {extraSpec}
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: {image}
                ports:
                - containerPort: 80
        """;

    private async Task<JsonArray> ManagedFieldsAsync(string ns, string resource = "deployment/web")
    {
        var json = await fx.Kubectl.OkAsync("get", resource, "-n", ns, "-o", "json", "--show-managed-fields");
        return JsonNode.Parse(json)!["metadata"]!["managedFields"]?.AsArray() ?? [];
    }

    private static JsonObject Entry(JsonArray managedFields, string manager, string operation, string? subresource = null) =>
        managedFields.Select(e => e!.AsObject()).SingleOrDefault(e =>
            e["manager"]!.GetValue<string>() == manager && e["operation"]!.GetValue<string>() == operation &&
            e["subresource"]?.GetValue<string>() == subresource)
        ?? throw new Xunit.Sdk.XunitException($"no {manager}/{operation}/{subresource} entry in {managedFields.ToJsonString()}");

    private static bool Owns(JsonObject entry, params string[] path)
    {
        JsonNode? node = entry["fieldsV1"];
        foreach (var step in path)
        {
            node = node?[step];
        }
        return node is not null;
    }

    [Fact]
    public async Task Two_field_managers_conflict_on_replicas_and_force_conflicts_takes_it()
    {
        var ns = await fx.NewNamespaceAsync("ssa-conflict");
        var alice = fx.WriteFile("alice.yaml", Deployment(ns, replicas: 2));
        var bob = fx.WriteFile("bob.yaml", Deployment(ns, replicas: 3));

        Assert.Equal("deployment.apps/web serverside-applied\n", await fx.Kubectl.OkAsync("apply", "--server-side", "--field-manager", "alice", "-f", alice));
        var conflict = await fx.Kubectl.FailAsync("apply", "--server-side", "--field-manager", "bob", "-f", bob);

        Assert.Contains("Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas", conflict, StringComparison.Ordinal);
        Assert.Equal("2", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));

        Assert.Equal("deployment.apps/web serverside-applied\n",
            await fx.Kubectl.OkAsync("apply", "--server-side", "--field-manager", "bob", "--force-conflicts", "-f", bob));
        Assert.Equal("3", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        var managed = await ManagedFieldsAsync(ns);
        Assert.True(Owns(Entry(managed, "bob", "Apply"), "f:spec", "f:replicas"));
        Assert.False(Owns(Entry(managed, "alice", "Apply"), "f:spec", "f:replicas"));
        // Both still own the fields they set to the same values.
        Assert.True(Owns(Entry(managed, "alice", "Apply"), "f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"nginx\"}", "f:image"));
        Assert.True(Owns(Entry(managed, "bob", "Apply"), "f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"nginx\"}", "f:image"));
    }

    [Fact]
    public async Task The_conflict_is_a_409_status_with_field_manager_conflict_causes()
    {
        var ns = await fx.NewNamespaceAsync("ssa-status");
        await fx.Kubectl.OkAsync("apply", "--server-side", "--field-manager", "alice", "-f", fx.WriteFile("a.yaml", Deployment(ns, replicas: 2, extraSpec: "  minReadySeconds: 1")));
        using var http = ApiClient.Create(fx.Server);

        var body = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5,"minReadySeconds":2}}""";
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/web?fieldManager=bob")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/apply-patch+yaml"),
        };
        using var response = await http.SendAsync(request);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal("Apply failed with 2 conflicts: conflicts with \"alice\":\n- .spec.minReadySeconds\n- .spec.replicas", status["message"]!.GetValue<string>());
        var causes = status["details"]!["causes"]!.AsArray().Select(c => (c!["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>(), c["field"]!.GetValue<string>()));
        Assert.Equal(
            [("FieldManagerConflict", "conflict with \"alice\"", ".spec.minReadySeconds"), ("FieldManagerConflict", "conflict with \"alice\"", ".spec.replicas")],
            causes);
    }

    [Fact]
    public async Task A_field_dropped_from_the_manifest_disappears_unless_someone_else_owns_it()
    {
        var ns = await fx.NewNamespaceAsync("ssa-drop");
        var full = fx.WriteFile("full.yaml", Deployment(ns, replicas: 1, extraLabels: "    tier: frontend\n    team: a", extraSpec: "  minReadySeconds: 5"));
        var reduced = fx.WriteFile("reduced.yaml", Deployment(ns, replicas: 1));
        await fx.Kubectl.OkAsync("apply", "--server-side", "-f", full);
        // Another manager also sets team=a: it stays when the applier drops it.
        await fx.Kubectl.OkAsync("label", "deployment", "web", "-n", ns, "team=a", "--overwrite");
        await fx.Kubectl.OkAsync("apply", "--server-side", "--field-manager", "carol", "-f",
            fx.WriteFile("carol.yaml", $"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: {ns}\n  labels:\n    team: a\n"));

        await fx.Kubectl.OkAsync("apply", "--server-side", "-f", reduced);

        var labels = await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.labels}");
        Assert.Equal("""{"app":"web","team":"a"}""", labels);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.minReadySeconds}"));
    }

    [Fact]
    public async Task Managed_fields_follow_create_edit_and_scale_and_only_show_when_asked()
    {
        var ns = await fx.NewNamespaceAsync("ssa-track");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--replicas=1", "-n", ns);
        var editor = fx.WriteScript("editor.sh", "sed -i 's/^spec:/spec:\\n  minReadySeconds: 7/' \"$1\"");
        var edit = await fx.Kubectl.RunAsync(["edit", "deployment", "web", "-n", ns], stdin: null,
            env: new Dictionary<string, string> { ["EDITOR"] = editor, ["KUBE_EDITOR"] = editor, ["TMPDIR"] = fx.WorkDir });
        Assert.True(edit.ExitCode == 0, edit.ToString());
        await fx.Kubectl.OkAsync("scale", "deployment", "web", "--replicas=4", "-n", ns);

        var managed = await ManagedFieldsAsync(ns);

        var created = Entry(managed, "kubectl-create", "Update");
        Assert.Equal("apps/v1", created["apiVersion"]!.GetValue<string>());
        Assert.Equal("FieldsV1", created["fieldsType"]!.GetValue<string>());
        Assert.True(Owns(created, "f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"nginx\"}", "f:image"));
        Assert.True(Owns(created, "f:metadata", "f:labels", "f:app"));
        Assert.False(Owns(created, "f:spec", "f:replicas"));
        Assert.True(Owns(Entry(managed, "kubectl-edit", "Update"), "f:spec", "f:minReadySeconds"));
        var scaled = managed.Select(e => e!.AsObject()).Single(e => e["subresource"]?.GetValue<string>() == "scale");
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", scaled["fieldsV1"]!.ToJsonString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", scaled["time"]!.GetValue<string>());

        Assert.DoesNotContain("managedFields", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "yaml"), StringComparison.Ordinal);
        Assert.Contains("managedFields:", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "yaml", "--show-managed-fields"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_created_pods_managed_fields_hold_its_manifest_and_defaults_but_nothing_admission_added()
    {
        var ns = await fx.NewNamespaceAsync("ssa-pod");
        await fx.Kubectl.OkAsync("create", "-f", fx.WriteFile("pod.yaml", $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: {ns}
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.25
            """));

        var pod = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "pod/web", "-n", ns, "-o", "json", "--show-managed-fields"))!;
        // Admission added these (ServiceAccount, DefaultTolerationSeconds, Priority) ...
        var spec = pod["spec"]!;
        Assert.StartsWith("kube-api-access-", spec["volumes"]![0]!["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, spec["tolerations"]!.AsArray().Count);
        Assert.Equal(0, spec["priority"]!.GetValue<int>());
        Assert.Equal("default", spec["serviceAccountName"]!.GetValue<string>());
        // ... and, as kube-apiserver 1.32 records it, kubectl-create owns what the manifest set and what defaulting
        // added (a real cluster's entry lists exactly these under f:spec), none of what admission added.
        var created = Entry(pod["metadata"]!["managedFields"]!.AsArray(), "kubectl-create", "Update");
        Assert.True(Owns(created, "f:metadata", "f:labels", "f:app"));
        Assert.Equal(
            ["f:containers", "f:dnsPolicy", "f:enableServiceLinks", "f:restartPolicy", "f:schedulerName", "f:securityContext", "f:terminationGracePeriodSeconds"],
            created["fieldsV1"]!["f:spec"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        var container = created["fieldsV1"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"web\"}"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("f:imagePullPolicy", container);
        Assert.Contains("f:terminationMessagePolicy", container);
        Assert.Contains("f:resources", container);
        Assert.DoesNotContain("f:volumeMounts", container);
        Assert.Null(created["fieldsV1"]!["f:spec"]!["f:containers"]!["."]);
        // Nor did anyone else take them over: the node's agent may have written status by now, nothing more.
        Assert.All(pod["metadata"]!["managedFields"]!.AsArray().Where(e => e!["manager"]!.GetValue<string>() != "kubectl-create"),
            e => Assert.Equal("status", e!["subresource"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Server_side_apply_creates_a_deployment_then_changes_it_and_dry_run_changes_nothing()
    {
        var ns = await fx.NewNamespaceAsync("ssa-deploy");

        Assert.Equal("deployment.apps/web serverside-applied\n", await fx.Kubectl.OkAsync("apply", "--server-side", "-f", fx.WriteFile("v1.yaml", Deployment(ns, 1))));
        var v2 = fx.WriteFile("v2.yaml", Deployment(ns, 2, image: "nginx:1.26"));
        Assert.Equal("deployment.apps/web serverside-applied (server dry run)\n",
            await fx.Kubectl.OkAsync("apply", "--server-side", "--dry-run=server", "-f", v2));
        Assert.Equal("nginx:1.25", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
        Assert.Equal("deployment.apps/web serverside-applied\n", await fx.Kubectl.OkAsync("apply", "--server-side", "-f", v2));

        Assert.Equal("nginx:1.26 2", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas}"));
        var entry = Entry(await ManagedFieldsAsync(ns), "kubectl", "Apply");
        Assert.True(Owns(entry, "f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"nginx\"}", "f:ports", "k:{\"containerPort\":80,\"protocol\":\"TCP\"}", "f:containerPort"));
        // The generation counts spec changes, not the managedFields bookkeeping.
        Assert.Equal("2", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.generation}"));
    }

    [Fact]
    public async Task Switching_from_client_side_to_server_side_apply_keeps_ownership_without_conflicts()
    {
        var ns = await fx.NewNamespaceAsync("ssa-migrate");
        await fx.Kubectl.OkAsync("apply", "-f", fx.WriteFile("csa.yaml", Deployment(ns, 1, extraLabels: "    tier: frontend")));
        Assert.True(Owns(Entry(await ManagedFieldsAsync(ns), "kubectl-client-side-apply", "Update"), "f:spec", "f:replicas"));

        var output = await fx.Kubectl.OkAsync("apply", "--server-side", "-f", fx.WriteFile("ssa.yaml", Deployment(ns, 3)));

        Assert.Equal("deployment.apps/web serverside-applied\n", output);
        Assert.Equal("3", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        var managed = await ManagedFieldsAsync(ns);
        Assert.True(Owns(Entry(managed, "kubectl", "Apply"), "f:spec", "f:replicas"));
        Assert.DoesNotContain(managed, e => e!["manager"]!.GetValue<string>() == "kubectl-client-side-apply");
        // The label only the old configuration had went with it: kubectl handed its fields over to the applier.
        Assert.Equal("""{"app":"web"}""", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.labels}"));
    }

    [Fact]
    public async Task Apply_requires_a_field_manager_and_checks_its_length()
    {
        var ns = await fx.NewNamespaceAsync("ssa-manager");
        using var http = ApiClient.Create(fx.Server);

        async Task<JsonNode> PatchAsync(string query)
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c{query}")
            {
                Content = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""", Encoding.UTF8, "application/apply-patch+yaml"),
            };
            using var response = await http.SendAsync(request);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }

        var missing = await PatchAsync("");
        Assert.Equal(422, missing["code"]!.GetValue<int>());
        Assert.Equal("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch", missing["message"]!.GetValue<string>());
        var tooLong = await PatchAsync("?fieldManager=" + new string('m', 129));
        Assert.Equal(422, tooLong["code"]!.GetValue<int>());
        Assert.StartsWith("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long", tooLong["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var created = await PatchAsync("?fieldManager=" + new string('m', 128));
        Assert.Equal(new string('m', 128), created["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());
    }

    [Fact]
    public async Task Clients_reset_managed_fields_with_an_empty_list_and_cannot_apply_them()
    {
        var ns = await fx.NewNamespaceAsync("ssa-reset");
        await fx.Kubectl.OkAsync("create", "configmap", "c", "--from-literal=a=1", "-n", ns);
        Assert.NotEmpty(await ManagedFieldsAsync(ns, "configmap/c"));

        // An invalid list is not taken: the server keeps its own entries.
        await fx.Kubectl.OkAsync("patch", "configmap", "c", "-n", ns, "--type=json", "-p",
            """[{"op":"replace","path":"/metadata/managedFields","value":[{"manager":"x","operation":"Bogus","apiVersion":"v1","fieldsType":"FieldsV1"}]}]""");
        Assert.Equal("kubectl-create", (await ManagedFieldsAsync(ns, "configmap/c"))[0]!["manager"]!.GetValue<string>());

        await fx.Kubectl.OkAsync("patch", "configmap", "c", "-n", ns, "--type=merge", "-p", """{"metadata":{"managedFields":[]}}""");
        Assert.Empty(await ManagedFieldsAsync(ns, "configmap/c"));

        var applied = fx.WriteFile("c.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: {ns}\n  managedFields:\n  - manager: x\n    operation: Apply\ndata:\n  a: \"1\"\n");
        Assert.Contains("metadata.managedFields must be nil", await fx.Kubectl.FailAsync("apply", "--server-side", "-f", applied), StringComparison.Ordinal);
    }
    [Fact]
    public async Task Apply_to_the_status_subresource_owns_only_status()
    {
        var ns = await fx.NewNamespaceAsync("ssa-status-sub");
        await fx.Kubectl.OkAsync("create", "service", "clusterip", "web", "--tcp=80:8080", "-n", ns);
        using var http = ApiClient.Create(fx.Server);

        var body = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"type":"NodePort"},"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1"}]}}}""";
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/services/web/status?fieldManager=lb")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/apply-patch+yaml"),
        };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var service = JsonNode.Parse(text)!;
        Assert.Equal("192.0.2.1", service["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.GetValue<string>());
        Assert.Equal("ClusterIP", service["spec"]!["type"]!.GetValue<string>());
        var entry = Entry(service["metadata"]!["managedFields"]!.AsArray(), "lb", "Apply", "status");
        Assert.Equal("""{"f:status":{"f:loadBalancer":{"f:ingress":{}}}}""", entry["fieldsV1"]!.ToJsonString());
    }
}
