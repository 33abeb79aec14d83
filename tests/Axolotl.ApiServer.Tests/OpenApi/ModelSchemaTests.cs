using System.Text.Json.Nodes;
using Axolotl.ApiServer.OpenApi;

namespace Axolotl.ApiServer.Tests.OpenApi;

/// <summary>What kubectl explain walks: the schemas of the real models, through allOf references.</summary>
public class ModelSchemaTests
{
    private static readonly OpenApiV3 Api = new();

    private static JsonObject Schemas(string path) => JsonNode.Parse(Api.DocumentJson(path)!)!["components"]!["schemas"]!.AsObject();

    /// <summary>Follows a property to the component it refers to, as kubectl explain does for "pod.spec".</summary>
    private static JsonObject Follow(JsonObject schemas, JsonObject schema, string property, bool items = false)
    {
        var field = schema["properties"]![property]!;
        if (items)
        {
            Assert.Equal("array", (string?)field["type"]);
            field = field["items"]!;
        }
        var reference = (string)field["allOf"]![0]!["$ref"]!;
        return schemas[reference["#/components/schemas/".Length..]]!.AsObject();
    }

    [Fact]
    public void ThePodSchemaReachesContainerImageWithADescription()
    {
        var schemas = Schemas("api/v1");
        var pod = schemas["io.k8s.api.core.v1.Pod"]!.AsObject();

        var spec = Follow(schemas, pod, "spec");
        Assert.Contains("containers", spec["required"]!.AsArray().Select(r => (string?)r));
        var containers = spec["properties"]!["containers"]!;
        Assert.Equal("name", (string?)containers["x-kubernetes-patch-merge-key"]);
        Assert.Equal("merge", (string?)containers["x-kubernetes-patch-strategy"]);
        Assert.False(string.IsNullOrEmpty((string?)containers["description"]));

        var container = Follow(schemas, spec, "containers", items: true);
        Assert.Same(schemas["io.k8s.api.core.v1.Container"], container);
        var image = container["properties"]!["image"]!;
        Assert.Equal("string", (string?)image["type"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)image["description"]));
        Assert.Contains("name", container["required"]!.AsArray().Select(r => (string?)r));
    }

    [Fact]
    public void TheDeploymentSchemaReachesItsStrategyAndRollingUpdateBudgets()
    {
        var schemas = Schemas("apis/apps/v1");
        var deployment = schemas["io.k8s.api.apps.v1.Deployment"]!.AsObject();

        var spec = Follow(schemas, deployment, "spec");
        var strategy = Follow(schemas, spec, "strategy");
        Assert.Equal("string", (string?)strategy["properties"]!["type"]!["type"]);

        var rollingUpdate = Follow(schemas, strategy, "rollingUpdate");
        var maxSurge = rollingUpdate["properties"]!["maxSurge"]!;
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString", (string?)maxSurge["allOf"]![0]!["$ref"]);
        Assert.Equal("int-or-string", (string?)schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["format"]);
        Assert.Contains("selector", spec["required"]!.AsArray().Select(r => (string?)r));
    }

    [Fact]
    public void KindFieldsAndMetaTypesUseUpstreamNamesAndWording()
    {
        var schemas = Schemas("api/v1");
        var pod = schemas["io.k8s.api.core.v1.Pod"]!;

        Assert.StartsWith("APIVersion defines", (string?)pod["properties"]!["apiVersion"]!["description"], StringComparison.Ordinal);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)pod["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
        var meta = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]!["properties"]!;
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time", (string?)meta["creationTimestamp"]!["allOf"]![0]!["$ref"]);
        Assert.Equal("uid", (string?)meta["ownerReferences"]!["x-kubernetes-patch-merge-key"]);
        Assert.Equal("date-time", (string?)schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]!["format"]);
        Assert.Equal("object", (string?)meta["labels"]!["type"]);
        Assert.Equal("string", (string?)meta["labels"]!["additionalProperties"]!["type"]);
    }
}
