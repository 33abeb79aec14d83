using System.Text.Json.Nodes;
using Axolotl.ApiServer.Tests.Rest;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Apiextensions;

/// <summary>A CRD through the real HTTP API of an in-process server: established, routed, validated, discovered, deleted.</summary>
[Trait("Category", "Integration")]
public sealed class CustomResourceServingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static string Definition(string group, string plural = "widgets", string kind = "Widget", string scope = "Namespaced") =>
        ("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"PLURAL.GROUP"},"""
        + """ "spec":{"group":"GROUP","scope":"SCOPE","names":{"plural":"PLURAL","kind":"KIND","shortNames":["SHORT"],"categories":["all"]},"""
        + """ "versions":[{"name":"v1","served":true,"storage":true,"""
        + """ "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},"""
        + """ "additionalPrinterColumns":[{"name":"Size","type":"string","jsonPath":".spec.size"},{"name":"Replicas","type":"integer","jsonPath":".spec.replicas"}],"""
        + """ "schema":{"openAPIV3Schema":{"type":"object","properties":{"""
        + """ "spec":{"type":"object","required":["size"],"properties":{"size":{"type":"string"},"replicas":{"type":"integer","default":1}}},"""
        + """ "status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}}]}}""")
            .Replace("PLURAL", plural, StringComparison.Ordinal).Replace("GROUP", group, StringComparison.Ordinal)
            .Replace("SCOPE", scope, StringComparison.Ordinal).Replace("KIND", kind, StringComparison.Ordinal).Replace("SHORT", plural[..2] + "x", StringComparison.Ordinal);

    private async Task EstablishAsync(string group, string plural = "widgets")
    {
        var (code, body) = await api.PostAsync(Crds, Definition(group, plural));
        Assert.True(code == 201, body.ToJsonString());
        await Eventually.UntilAsync(() => api.GetAsync($"{Crds}/{plural}.{group}"), r => Condition(r.Body, "Established") == "True",
            "the CRD is Established", r => r.Body.ToJsonString());
    }

    private static string? Condition(JsonObject crd, string type) =>
        (crd["status"]?["conditions"] as JsonArray ?? []).FirstOrDefault(c => (string?)c!["type"] == type)?["status"]?.ToString();

    [Fact]
    public async Task An_established_CRD_is_routed_discovered_and_its_objects_are_defaulted_pruned_and_validated()
    {
        await EstablishAsync("crud.example.com");
        var ns = await api.CreateNamespaceAsync("cr-1");
        var crd = (await api.GetAsync($"{Crds}/widgets.crud.example.com")).Body;
        Assert.Equal("True", Condition(crd, "NamesAccepted"));
        Assert.Equal(["v1"], crd["status"]!["storedVersions"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("widgets", (string?)crd["status"]!["acceptedNames"]!["plural"]);

        var (code, created) = await api.PostAsync($"/apis/crud.example.com/v1/namespaces/{ns}/widgets",
            """{"apiVersion":"crud.example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":"small","bogus":true},"status":{"replicas":5}}""");
        Assert.True(code == 201, created.ToJsonString());
        Assert.Equal(1, (int)created["spec"]!["replicas"]!);
        Assert.Null(created["spec"]!["bogus"]);
        Assert.Null(created["status"]);
        Assert.Equal(1, (int)created["metadata"]!["generation"]!);

        var (invalid, status) = await api.PostAsync($"/apis/crud.example.com/v1/namespaces/{ns}/widgets",
            """{"apiVersion":"crud.example.com/v1","kind":"Widget","metadata":{"name":"w2"},"spec":{"size":"small","replicas":"three"}}""");
        Assert.Equal(422, invalid);
        // The scale subresource's own check of specReplicasPath reports the same value, as upstream's ValidateScaleSpec.
        Assert.Equal("Widget.crud.example.com \"w2\" is invalid: [spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\", "
            + ".spec.replicas: Invalid value: 0: .spec.replicas accessor error: three is of the type string, expected int64]",
            (string?)status["message"]);

        var list = (await api.GetAsync($"/apis/crud.example.com/v1/namespaces/{ns}/widgets")).Body;
        Assert.Equal("WidgetList", (string?)list["kind"]);
        Assert.Single(list["items"]!.AsArray());

        var group = (await api.GetAsync("/apis/crud.example.com/v1")).Body;
        var widgets = group["resources"]!.AsArray().First(r => (string?)r!["name"] == "widgets")!;
        Assert.Equal(["wix"], widgets["shortNames"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(["all"], widgets["categories"]!.AsArray().Select(s => (string?)s));
        Assert.Contains(group["resources"]!.AsArray(), r => (string?)r!["name"] == "widgets/status");
    }

    [Fact]
    public async Task The_all_namespaces_path_of_a_namespaced_custom_resource_lists_but_answers_create_and_delete_collection_404()
    {
        await EstablishAsync("allns.example.com");
        var ns = await api.CreateNamespaceAsync("cr-allns");
        await api.PostAsync($"/apis/allns.example.com/v1/namespaces/{ns}/widgets",
            """{"apiVersion":"allns.example.com/v1","kind":"Widget","metadata":{"name":"keep"},"spec":{"size":"small"}}""");

        // A client with a stale discovery cache (Python's dynamic client) sends exactly this.
        var (postCode, postStatus) = await api.PostAsync("/apis/allns.example.com/v1/widgets",
            """{"apiVersion":"allns.example.com/v1","kind":"Widget","metadata":{"name":"made","namespace":"cr-allns"},"spec":{"size":"small"}}""");
        var (deleteCode, _) = await api.DeleteAsync("/apis/allns.example.com/v1/widgets");

        Assert.Equal(404, postCode);
        Assert.Equal("NotFound", (string?)postStatus["reason"]);
        Assert.Equal(404, deleteCode);
        Assert.Equal(200, (await api.GetAsync($"/apis/allns.example.com/v1/namespaces/{ns}/widgets/keep")).Code);
        Assert.Equal(404, (await api.GetAsync($"/apis/allns.example.com/v1/namespaces/{ns}/widgets/made")).Code);
        var listed = (await api.GetAsync("/apis/allns.example.com/v1/widgets")).Body;
        Assert.Single(listed["items"]!.AsArray());
    }

    [Fact]
    public async Task The_status_subresource_owns_status_and_only_spec_changes_bump_the_generation()
    {
        await EstablishAsync("status.example.com");
        var ns = await api.CreateNamespaceAsync("cr-2");
        var path = $"/apis/status.example.com/v1/namespaces/{ns}/widgets";
        await api.PostAsync(path, """{"apiVersion":"status.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"small"}}""");

        var (code, patched) = await api.PatchAsync($"{path}/w/status", """{"status":{"replicas":3},"spec":{"size":"huge"}}""", "application/merge-patch+json");
        Assert.True(code == 200, patched.ToJsonString());
        Assert.Equal(3, (int)patched["status"]!["replicas"]!);
        Assert.Equal("small", (string?)patched["spec"]!["size"]);
        Assert.Equal(1, (int)patched["metadata"]!["generation"]!);

        (code, patched) = await api.PatchAsync($"{path}/w", """{"spec":{"size":"large"},"status":{"replicas":9}}""", "application/merge-patch+json");
        Assert.True(code == 200, patched.ToJsonString());
        Assert.Equal(3, (int)patched["status"]!["replicas"]!);
        Assert.Equal(2, (int)patched["metadata"]!["generation"]!);

        var (tableCode, table) = await api.GetAsync($"{path}/w", "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal(200, tableCode);
        Assert.Equal(["Name", "Size", "Replicas"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("""["w","large",1]""", table["rows"]![0]!["cells"]!.ToJsonString());
    }

    [Fact]
    public async Task A_CRD_asking_for_names_another_holds_is_not_accepted()
    {
        await EstablishAsync("clash.example.com");
        var (code, _) = await api.PostAsync(Crds, Definition("clash.example.com", plural: "widgets", kind: "Gadget"));
        Assert.Equal(409, code); // the same name is simply AlreadyExists

        var (kindCode, body) = await api.PostAsync(Crds, Definition("clash.example.com", plural: "things", kind: "Widget"));
        Assert.True(kindCode == 201, body.ToJsonString());
        var crd = await Eventually.UntilAsync(() => api.GetAsync($"{Crds}/things.clash.example.com"), r => Condition(r.Body, "NamesAccepted") == "False",
            "the clashing CRD is refused its names", r => r.Body.ToJsonString());
        var accepted = (crd.Body["status"]!["conditions"] as JsonArray)!.First(c => (string?)c!["type"] == "NamesAccepted")!;
        // Upstream checks plural, singular, short names, kind, list kind in that order: the defaulted singular clashes first.
        Assert.Equal("SingularConflict", (string?)accepted["reason"]);
        Assert.Equal("\"widget\" is already in use", (string?)accepted["message"]);
        Assert.Equal("False", Condition(crd.Body, "Established"));
        Assert.Equal(404, (await api.GetAsync("/apis/clash.example.com/v1/things")).Code);
    }

    [Fact]
    public async Task An_invalid_CRD_is_a_422_with_field_causes()
    {
        var (code, body) = await api.PostAsync(Crds, Definition("bad.example.com").Replace("\"storage\":true", "\"storage\":false", StringComparison.Ordinal));

        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.Contains(body["details"]!["causes"]!.AsArray(), c => (string?)c!["field"] == "spec.versions"
            && ((string?)c["message"])!.EndsWith("must have exactly one version marked as storage version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleting_a_CRD_deletes_its_objects_then_the_CRD_and_its_routes()
    {
        await EstablishAsync("gone.example.com");
        var ns = await api.CreateNamespaceAsync("cr-3");
        var path = $"/apis/gone.example.com/v1/namespaces/{ns}/widgets";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(201, (await api.PostAsync(path, "{\"apiVersion\":\"gone.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w" + i + "\"},\"spec\":{\"size\":\"s\"}}")).Code);
        }
        var crd = (await api.GetAsync($"{Crds}/widgets.gone.example.com")).Body;
        Assert.Contains("customresourcecleanup.apiextensions.k8s.io", crd["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));

        var (code, _) = await api.DeleteAsync($"{Crds}/widgets.gone.example.com");
        Assert.Equal(200, code);

        await Eventually.UntilAsync(() => api.GetAsync($"{Crds}/widgets.gone.example.com"), r => r.Code == 404, "the CRD is gone", r => r.Body.ToJsonString());
        Assert.Equal(404, (await api.GetAsync(path)).Code);
        Assert.Empty((await api.Cluster.Store.ListAsync("/gone.example.com/widgets/", 0, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Storage_object_counts_include_custom_resources()
    {
        await EstablishAsync("metrics.example.com");
        var ns = await api.CreateNamespaceAsync("cr-metrics");
        await api.PostAsync($"/apis/metrics.example.com/v1/namespaces/{ns}/widgets",
            """{"apiVersion":"metrics.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"small"}}""");

        using var response = await api.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);

        Assert.Contains("apiserver_storage_objects{resource=\"widgets.metrics.example.com\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_scale_subresource_reads_and_writes_the_paths_the_CRD_names()
    {
        const string group = "scale.example.com";
        var definition = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"pools.scale.example.com"},
             "spec":{"group":"scale.example.com","scope":"Namespaced","names":{"plural":"pools","kind":"Pool"},
              "versions":[{"name":"v1","served":true,"storage":true,
                "subresources":{"status":{},"scale":{"specReplicasPath":".spec.workers.desired","statusReplicasPath":".status.workers.ready","labelSelectorPath":".status.workers.selector"}},
                "schema":{"openAPIV3Schema":{"type":"object","properties":{
                  "spec":{"type":"object","properties":{"workers":{"type":"object","properties":{"desired":{"type":"integer"}}}}},
                  "status":{"type":"object","properties":{"workers":{"type":"object","properties":{"ready":{"type":"integer"},"selector":{"type":"string"}}}}}}}}}]}}
            """;
        var (created, crd) = await api.PostAsync(Crds, definition);
        Assert.True(created == 201, crd.ToJsonString());
        await Eventually.UntilAsync(() => api.GetAsync($"{Crds}/pools.{group}"), r => Condition(r.Body, "Established") == "True", "Established", r => r.Body.ToJsonString());
        var ns = await api.CreateNamespaceAsync("cr-scale");
        var path = $"/apis/{group}/v1/namespaces/{ns}/pools";
        await api.PostAsync(path, """{"apiVersion":"scale.example.com/v1","kind":"Pool","metadata":{"name":"p"},"spec":{}}""");

        // Nothing at specReplicasPath yet: GET is upstream's internal error, an update must set the replicas.
        var (missing, missingStatus) = await api.GetAsync($"{path}/p/scale");
        Assert.Equal(500, missing);
        Assert.Equal("Internal error occurred: the spec replicas field \".spec.workers.desired\" does not exist", (string?)missingStatus["message"]);
        var (unset, unsetStatus) = await api.PatchAsync($"{path}/p/scale", """{"metadata":{"labels":{"a":"b"}}}""", "application/merge-patch+json");
        Assert.True(unset == 400, unsetStatus.ToJsonString());
        Assert.Equal("the spec replicas field \".spec.workers.desired\" cannot be empty", (string?)unsetStatus["message"]);
        var (first, firstScale) = await api.PatchAsync($"{path}/p/scale", """{"spec":{"replicas":1}}""", "application/merge-patch+json");
        Assert.True(first == 200, firstScale.ToJsonString());

        var (code, scale) = await api.GetAsync($"{path}/p/scale");
        Assert.True(code == 200, scale.ToJsonString());
        Assert.Equal("""{"replicas":1}""", scale["spec"]!.ToJsonString());
        Assert.Equal("""{"replicas":0}""", scale["status"]!.ToJsonString());
        Assert.Equal(("Scale", "autoscaling/v1", "p"), ((string?)scale["kind"], (string?)scale["apiVersion"], (string?)scale["metadata"]!["name"]));

        scale["spec"]!["replicas"] = 3;
        var (put, written) = await api.PutAsync($"{path}/p/scale", scale.ToJsonString());
        Assert.True(put == 200, written.ToJsonString());
        Assert.Equal(3, (int)(await api.GetAsync($"{path}/p")).Body["spec"]!["workers"]!["desired"]!);

        await api.PatchAsync($"{path}/p/status", """{"status":{"workers":{"ready":2,"selector":"app=pool"}}}""", "application/merge-patch+json");
        var (patched, after) = await api.PatchAsync($"{path}/p/scale", """{"spec":{"replicas":5}}""", "application/merge-patch+json");
        Assert.True(patched == 200, after.ToJsonString());
        Assert.Equal("""{"replicas":5}""", after["spec"]!.ToJsonString());
        Assert.Equal("""{"replicas":2,"selector":"app=pool"}""", after["status"]!.ToJsonString());
        Assert.Equal(5, (int)(await api.GetAsync($"{path}/p")).Body["spec"]!["workers"]!["desired"]!);

        // Upstream's ValidateScaleSpec/ValidateScaleStatus: the custom resource's own validation, at the CRD's paths.
        var (negative, status) = await api.PatchAsync($"{path}/p/scale", """{"spec":{"replicas":-1}}""", "application/merge-patch+json");
        Assert.Equal(422, negative);
        Assert.Equal("Pool.scale.example.com \"p\" is invalid: .spec.workers.desired: Invalid value: -1: should be a non-negative integer", (string?)status["message"]);
        Assert.Equal(".spec.workers.desired", (string?)status["details"]!["causes"]![0]!["field"]);
        var (tooMany, tooManyStatus) = await api.PatchAsync($"{path}/p", """{"spec":{"workers":{"desired":2147483648}}}""", "application/merge-patch+json");
        Assert.Equal(422, tooMany);
        Assert.Equal("Pool.scale.example.com \"p\" is invalid: .spec.workers.desired: Invalid value: 2147483648: should be less than or equal to 2147483647", (string?)tooManyStatus["message"]);
        var (negativeStatus, statusStatus) = await api.PatchAsync($"{path}/p/status", """{"status":{"workers":{"ready":-2}}}""", "application/merge-patch+json");
        Assert.Equal(422, negativeStatus);
        Assert.Equal("Pool.scale.example.com \"p\" is invalid: .status.workers.ready: Invalid value: -2: should be a non-negative integer", (string?)statusStatus["message"]);
    }

    [Fact]
    public async Task With_conversion_None_objects_are_served_at_the_version_asked_for_and_stored_versions_are_kept()
    {
        const string group = "versions.example.com";
        const string definition = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gizmos.versions.example.com"},
             "spec":{"group":"versions.example.com","scope":"Namespaced","names":{"plural":"gizmos","kind":"Gizmo"},
              "versions":[
                {"name":"v1beta1","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
                {"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """;
        var (created, crd) = await api.PostAsync(Crds, definition);
        Assert.True(created == 201, crd.ToJsonString());
        await Eventually.UntilAsync(() => api.GetAsync($"{Crds}/gizmos.{group}"), r => Condition(r.Body, "Established") == "True", "Established", r => r.Body.ToJsonString());
        var ns = await api.CreateNamespaceAsync("cr-versions");

        var (code, answer) = await api.PostAsync($"/apis/{group}/v1beta1/namespaces/{ns}/gizmos", """{"apiVersion":"versions.example.com/v1beta1","kind":"Gizmo","metadata":{"name":"g"},"spec":{"a":1}}""");
        Assert.True(code == 201, answer.ToJsonString());
        Assert.Equal("versions.example.com/v1beta1", (string?)answer["apiVersion"]);
        Assert.Equal("versions.example.com/v1", (string?)(await api.GetAsync($"/apis/{group}/v1/namespaces/{ns}/gizmos/g")).Body["apiVersion"]);
        Assert.Equal("versions.example.com/v1beta1", (string?)(await api.GetAsync($"/apis/{group}/v1beta1/namespaces/{ns}/gizmos/g")).Body["apiVersion"]);
        var list = (await api.GetAsync($"/apis/{group}/v1beta1/namespaces/{ns}/gizmos")).Body;
        Assert.Equal("versions.example.com/v1beta1", (string?)list["apiVersion"]);
        Assert.Equal("versions.example.com/v1beta1", (string?)list["items"]![0]!["apiVersion"]);
        var watch = await api.Http.GetStringAsync(new Uri($"/apis/{group}/v1beta1/namespaces/{ns}/gizmos?watch=true&resourceVersion=0&timeoutSeconds=1", UriKind.Relative));
        Assert.Equal("versions.example.com/v1beta1", (string?)JsonNode.Parse(watch.Split('\n')[0])!["object"]!["apiVersion"]);

        // The stored object says v1 (the storage version), whatever version wrote it.
        var entry = await api.Cluster.Store.GetAsync($"/{group}/gizmos/{ns}/g", CancellationToken.None);
        Assert.NotNull(entry);
        Assert.Equal("versions.example.com/v1", (string?)JsonNode.Parse(entry.Value.Span)!["apiVersion"]);

        // Moving storage to v1beta1 adds it to storedVersions; v1 cannot leave spec.versions while objects may be stored at it.
        var current = (await api.GetAsync($"{Crds}/gizmos.{group}")).Body;
        current["spec"]!["versions"]![0]!["storage"] = true;
        current["spec"]!["versions"]![1]!["storage"] = false;
        var (updated, moved) = await api.PutAsync($"{Crds}/gizmos.{group}", current.ToJsonString());
        Assert.True(updated == 200, moved.ToJsonString());
        await Eventually.UntilAsync(() => api.GetAsync($"{Crds}/gizmos.{group}"),
            r => r.Body["status"]?["storedVersions"]?.ToJsonString() == """["v1","v1beta1"]""", "storedVersions gains v1beta1", r => r.Body.ToJsonString());
        var again = (await api.GetAsync($"{Crds}/gizmos.{group}")).Body;
        again["spec"]!["versions"]!.AsArray().RemoveAt(1);
        var (refused, status) = await api.PutAsync($"{Crds}/gizmos.{group}", again.ToJsonString());
        Assert.Equal(422, refused);
        Assert.Contains("status.storedVersions[0]: Invalid value: \"v1\": must appear in spec.versions", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAPI_v3_and_v2_describe_an_established_CRD_from_its_schema()
    {
        await EstablishAsync("openapi.example.com");

        var index = (await api.GetAsync("/openapi/v3")).Body;
        var url = (string?)index["paths"]!["apis/openapi.example.com/v1"]?["serverRelativeURL"];
        Assert.NotNull(url);
        var document = JsonNode.Parse(await api.Http.GetStringAsync(new Uri(url, UriKind.Relative)))!;
        var widget = document["components"]!["schemas"]!["com.example.openapi.v1.Widget"]!;
        Assert.Equal("""[{"group":"openapi.example.com","kind":"Widget","version":"v1"}]""", widget["x-kubernetes-group-version-kind"]!.ToJsonString());
        Assert.Equal("string", (string?)widget["properties"]!["spec"]!["properties"]!["size"]!["type"]);
        Assert.Equal(["size"], widget["properties"]!["spec"]!["required"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)widget["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
        Assert.NotNull(document["components"]!["schemas"]!["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]);
        Assert.NotNull(document["paths"]!["/apis/openapi.example.com/v1/namespaces/{namespace}/widgets/{name}/scale"]);

        var swagger = JsonNode.Parse(await api.Http.GetStringAsync(new Uri("/openapi/v2", UriKind.Relative)))!;
        Assert.NotNull(swagger["definitions"]!["com.example.openapi.v1.Widget"]);
        Assert.NotNull(swagger["paths"]!["/apis/openapi.example.com/v1/namespaces/{namespace}/widgets"]);

        // The built-ins stay as they were.
        Assert.NotNull(index["paths"]!["apis/apps/v1"]);
    }

    [Fact]
    public async Task Junctors_validate_objects_and_are_published_in_v3_and_dropped_from_v2()
    {
        const string group = "junctors.example.com";
        var (code, body) = await api.PostAsync(Crds, """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"links.junctors.example.com"},
             "spec":{"group":"junctors.example.com","scope":"Namespaced","names":{"plural":"links","kind":"Link"},
              "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
                "spec":{"type":"object","oneOf":[{"required":["url"]},{"required":["service"]}],
                  "properties":{"url":{"type":"string"},"service":{"type":"string"},"port":{"x-kubernetes-int-or-string":true}}}}}}}]}}
            """);
        Assert.True(code == 201, body.ToJsonString());
        await Eventually.UntilAsync(() => api.GetAsync($"{Crds}/links.{group}"), r => Condition(r.Body, "Established") == "True",
            "the CRD is Established", r => r.Body.ToJsonString());
        var ns = await api.CreateNamespaceAsync("cr-junctors");

        var (refused, status) = await api.PostAsync($"/apis/{group}/v1/namespaces/{ns}/links",
            """{"apiVersion":"junctors.example.com/v1","kind":"Link","metadata":{"name":"l1"},"spec":{"url":"u","service":"s"}}""");
        Assert.Equal(422, refused);
        Assert.Equal("Link.junctors.example.com \"l1\" is invalid: <nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found 2 valid alternatives",
            (string?)status["message"]);
        var (created, _) = await api.PostAsync($"/apis/{group}/v1/namespaces/{ns}/links",
            """{"apiVersion":"junctors.example.com/v1","kind":"Link","metadata":{"name":"l2"},"spec":{"service":"s","port":80}}""");
        Assert.Equal(201, created);

        var index = (await api.GetAsync("/openapi/v3")).Body;
        var url = (string?)index["paths"]![$"apis/{group}/v1"]!["serverRelativeURL"];
        var v3 = JsonNode.Parse(await api.Http.GetStringAsync(new Uri(url!, UriKind.Relative)))!["components"]!["schemas"]!["com.example.junctors.v1.Link"]!["properties"]!["spec"]!;
        Assert.Equal("""[{"required":["url"]},{"required":["service"]}]""", v3["oneOf"]!.ToJsonString());
        Assert.Equal("""[{"type":"integer"},{"type":"string"}]""", v3["properties"]!["port"]!["anyOf"]!.ToJsonString());

        var swagger = JsonNode.Parse(await api.Http.GetStringAsync(new Uri("/openapi/v2", UriKind.Relative)))!;
        var v2 = swagger["definitions"]!["com.example.junctors.v1.Link"]!["properties"]!["spec"]!;
        Assert.Null(v2["oneOf"]);
        Assert.Equal("""{"x-kubernetes-int-or-string":true}""", v2["properties"]!["port"]!.ToJsonString());
    }
}
