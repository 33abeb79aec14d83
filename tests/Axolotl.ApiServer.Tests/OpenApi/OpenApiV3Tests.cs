using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.OpenApi;

namespace Axolotl.ApiServer.Tests.OpenApi;

public class OpenApiV3Tests
{
    private static readonly OpenApiV3 Api = new();

    private static JsonObject Document(string path) => JsonNode.Parse(Api.DocumentJson(path)!)!.AsObject();

    private static string DocumentPath(ResourceType r) => r.Group.Length == 0 ? "api/" + r.Version : $"apis/{r.Group}/{r.Version}";

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(m => m.Key != "parameters")
            .Select(m => (path.Key, m.Key, m.Value!.AsObject())));

    private static bool IsGvk(JsonNode? gvk, string group, string version, string kind) =>
        (string?)gvk?["group"] == group && (string?)gvk?["version"] == version && (string?)gvk?["kind"] == kind;

    public static TheoryData<string> ServedResources => [.. KnownResources.All.Where(r => r.Verbs.Contains("patch")).Select(r => $"{r.QualifiedResource}/{r.Version}")];

    [Theory]
    [MemberData(nameof(ServedResources))]
    public void EveryServedKindHasAPatchOperationThatDeclaresFieldValidationAndNoRequestBody(string resource)
    {
        var type = KnownResources.All.Single(r => $"{r.QualifiedResource}/{r.Version}" == resource);
        var document = Document(DocumentPath(type));

        var patches = Operations(document)
            .Where(o => o.Method == "patch" && IsGvk(o.Operation["x-kubernetes-group-version-kind"], type.Group, type.Version, type.Kind))
            .ToList();

        Assert.NotEmpty(patches);
        foreach (var (_, _, operation) in patches)
        {
            Assert.Contains(operation["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
            Assert.False(operation.ContainsKey("requestBody"));
            Assert.Equal("patch", (string?)operation["x-kubernetes-action"]);
        }
    }

    [Theory]
    [MemberData(nameof(ServedResources))]
    public void EveryServedKindHasExactlyOneSchemaCarryingItsGroupVersionKind(string resource)
    {
        var type = KnownResources.All.Single(r => $"{r.QualifiedResource}/{r.Version}" == resource);
        var schemas = Document(DocumentPath(type))["components"]!["schemas"]!.AsObject();

        var matching = schemas.Where(s => s.Value!["x-kubernetes-group-version-kind"] is JsonArray gvks &&
            gvks.Any(g => IsGvk(g, type.Group, type.Version, type.Kind))).ToList();

        var schema = Assert.Single(matching);
        Assert.Equal("object", (string?)schema.Value!["type"]);
        Assert.NotNull(schema.Value["properties"]!["metadata"]);
        Assert.NotNull(schemas[schema.Key + "List"]);
    }

    [Fact]
    public void NoPatchOperationDeclaresARequestBody()
    {
        foreach (var path in Api.Paths)
        {
            Assert.All(Operations(Document(path)).Where(o => o.Method == "patch"), o => Assert.False(o.Operation.ContainsKey("requestBody"), o.Path));
        }
    }

    [Fact]
    public void TheIndexListsEveryGroupVersionWithItsDocumentHash()
    {
        var paths = JsonNode.Parse(Api.IndexJson)!["paths"]!.AsObject();

        Assert.Equal(
            ["api/v1", "apis/admissionregistration.k8s.io/v1", "apis/apiextensions.k8s.io/v1", "apis/apiregistration.k8s.io/v1", "apis/apps/v1", "apis/authentication.k8s.io/v1", "apis/authorization.k8s.io/v1", "apis/autoscaling/v1", "apis/autoscaling/v2", "apis/batch/v1", "apis/certificates.k8s.io/v1", "apis/coordination.k8s.io/v1",
                "apis/discovery.k8s.io/v1", "apis/events.k8s.io/v1", "apis/flowcontrol.apiserver.k8s.io/v1", "apis/metrics.k8s.io/v1beta1", "apis/networking.k8s.io/v1", "apis/policy/v1", "apis/rbac.authorization.k8s.io/v1", "apis/scheduling.k8s.io/v1", "apis/storage.k8s.io/v1"],
            paths.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (path, entry) in paths)
        {
            Assert.Equal($"/openapi/v3/{path}?hash={Api.DocumentHash(path)}", (string?)entry!["serverRelativeURL"]);
            Assert.Equal(128, Api.DocumentHash(path)!.Length);
        }
    }

    [Fact]
    public void DocumentsAreFoundWithOrWithoutALeadingSlashAndUnknownOnesAreNot()
    {
        Assert.Equal(Api.DocumentJson("apis/apps/v1"), Api.DocumentJson("/apis/apps/v1"));
        Assert.Null(Api.DocumentJson("apis/nothing.example.com/v1"));
        Assert.Null(Api.DocumentHash("apis/nothing.example.com/v1"));
    }

    [Fact]
    public void BuildingTwiceGivesByteIdenticalDocuments()
    {
        var again = new OpenApiV3();

        Assert.Equal(Api.IndexJson, again.IndexJson);
        Assert.All(Api.Paths, p => Assert.Equal(Api.DocumentJson(p), again.DocumentJson(p)));
    }

    [Fact]
    public void EveryDocumentIsOpenApi300AndEveryReferenceResolves()
    {
        foreach (var path in Api.Paths)
        {
            var document = Document(path);
            Assert.Equal("3.0.0", (string?)document["openapi"]);
            Assert.Equal("Kubernetes", (string?)document["info"]!["title"]);
            var schemas = document["components"]!["schemas"]!.AsObject();
            foreach (var reference in References(document))
            {
                Assert.StartsWith("#/components/schemas/", reference, StringComparison.Ordinal);
                Assert.True(schemas.ContainsKey(reference["#/components/schemas/".Length..]), $"{path}: dangling {reference}");
            }
        }
    }

    [Fact]
    public void OperationsAreNamedAsUpstreamNamesThem()
    {
        var apps = Operations(Document("apis/apps/v1")).ToList();
        var core = Operations(Document("api/v1")).ToList();

        string Id(List<(string Path, string Method, JsonObject Operation)> ops, string path, string method) =>
            (string)ops.Single(o => o.Path == path && o.Method == method).Operation["operationId"]!;

        Assert.Equal("patchAppsV1NamespacedDeployment", Id(apps, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch"));
        Assert.Equal("listAppsV1DeploymentForAllNamespaces", Id(apps, "/apis/apps/v1/deployments", "get"));
        Assert.Equal("patchAppsV1NamespacedDeploymentScale", Id(apps, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "patch"));
        Assert.Equal("readCoreV1NamespacedPodStatus", Id(core, "/api/v1/namespaces/{namespace}/pods/{name}/status", "get"));
        Assert.Equal("createCoreV1NamespacedPodEviction", Id(core, "/api/v1/namespaces/{namespace}/pods/{name}/eviction", "post"));
        Assert.Equal("readCoreV1NamespacedPodLog", Id(core, "/api/v1/namespaces/{namespace}/pods/{name}/log", "get"));
        Assert.Equal("deleteCoreV1CollectionNamespacedPod", Id(core, "/api/v1/namespaces/{namespace}/pods", "delete"));
        Assert.Equal("replaceCoreV1Node", Id(core, "/api/v1/nodes/{name}", "put"));
        Assert.Equal("patchCoordinationV1NamespacedLease", Id(Operations(Document("apis/coordination.k8s.io/v1")).ToList(),
            "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}", "patch"));
        Assert.All(Api.Paths, p =>
        {
            var ids = Operations(Document(p)).Select(o => (string)o.Operation["operationId"]!).ToList();
            Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        });
    }

    [Fact]
    public void TheScaleAndEvictionSubresourcesNameTheirOwnKinds()
    {
        var scale = Document("apis/apps/v1")["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]!["patch"]!;
        Assert.True(IsGvk(scale["x-kubernetes-group-version-kind"], "autoscaling", "v1", "Scale"));
        Assert.Contains(scale["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation");

        var eviction = Document("api/v1")["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]!["post"]!;
        Assert.True(IsGvk(eviction["x-kubernetes-group-version-kind"], "policy", "v1", "Eviction"));
    }

    [Fact]
    public void ClusterScopedKindsHaveNoNamespaceInTheirPaths()
    {
        var paths = Document("api/v1")["paths"]!.AsObject();

        Assert.True(paths.ContainsKey("/api/v1/nodes/{name}"));
        Assert.True(paths.ContainsKey("/api/v1/namespaces/{name}"));
        Assert.False(paths.ContainsKey("/api/v1/namespaces/{namespace}/nodes"));
        var itemParameters = paths["/api/v1/nodes/{name}"]!["parameters"]!.AsArray().Select(p => (string?)p!["name"]);
        Assert.DoesNotContain("namespace", itemParameters);
    }

    private static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref")
                    {
                        yield return (string)value!;
                    }
                    else
                    {
                        foreach (var reference in References(value))
                        {
                            yield return reference;
                        }
                    }
                }
                break;
            case JsonArray array:
                foreach (var reference in array.SelectMany(References))
                {
                    yield return reference;
                }
                break;
        }
    }
}
