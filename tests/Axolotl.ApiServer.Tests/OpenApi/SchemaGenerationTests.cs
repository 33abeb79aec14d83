using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.OpenApi;

namespace Axolotl.ApiServer.Tests.OpenApi;

/// <summary>The reflection rules, on a fixture kind served as example.com/v1 widgets.</summary>
public class SchemaGenerationTests
{
    private static readonly ResourceType Widgets = new()
    {
        Group = "example.com",
        Version = "v1",
        Kind = "Widget",
        Plural = "widgets",
        Namespaced = true,
        ClrType = typeof(Widget),
        Subresources = [new Subresource("status", "example.com", "v1", "Widget", ["get", "patch", "update"])],
    };

    private static readonly JsonObject Document = JsonNode.Parse(new OpenApiV3([Widgets]).DocumentJson("apis/example.com/v1")!)!.AsObject();

    private static JsonObject Schemas => Document["components"]!["schemas"]!.AsObject();

    private const string Ns = "Axolotl.ApiServer.Tests.OpenApi.";

    private static JsonNode Spec(string property) => Schemas[Ns + "WidgetSpec"]!["properties"]![property]!;

    [Fact]
    public void TheKindSchemaCarriesItsDescriptionGroupVersionKindAndStandardFieldWording()
    {
        var widget = Schemas[Ns + "Widget"]!;

        Assert.Equal("A widget for schema tests.", (string?)widget["description"]);
        Assert.Equal("""[{"group":"example.com","kind":"Widget","version":"v1"}]""", widget["x-kubernetes-group-version-kind"]!.ToJsonString());
        Assert.StartsWith("Specification of the desired behavior of the Widget", (string?)widget["properties"]!["spec"]!["description"], StringComparison.Ordinal);
        Assert.NotNull(Schemas[Ns + "WidgetList"]!["properties"]!["items"]);
    }

    [Fact]
    public void ScalarsMapToOpenApiTypesAndFormats()
    {
        Assert.Equal("""{"description":"How many widgets.","format":"int32","type":"integer"}""", Spec("replicas").ToJsonString());
        Assert.Equal("int64", (string?)Spec("bytes")["format"]);
        Assert.Equal("boolean", (string?)Spec("enabled")["type"]);
        Assert.Equal("number", (string?)Spec("ratio")["type"]);
        Assert.Equal("byte", (string?)Spec("blob")["format"]);
        Assert.Equal(true, (bool?)Spec("raw")["x-kubernetes-preserve-unknown-fields"]);
    }

    [Fact]
    public void TimesReferToMetaTimeOrMicroTimeByTheirConverter()
    {
        Assert.EndsWith("meta.v1.Time", (string?)Spec("when")["allOf"]![0]!["$ref"], StringComparison.Ordinal);
        Assert.EndsWith("meta.v1.MicroTime", (string?)Spec("exactly")["allOf"]![0]!["$ref"], StringComparison.Ordinal);
    }

    [Fact]
    public void MapsListsAndPatchAttributesAreDescribed()
    {
        Assert.Equal("""{"additionalProperties":{"format":"int32","type":"integer"},"type":"object"}""", Spec("weights").ToJsonString());
        var parts = Spec("parts");
        Assert.Equal("array", (string?)parts["type"]);
        Assert.Equal("#/components/schemas/" + Ns + "Part", (string?)parts["items"]!["allOf"]![0]!["$ref"]);
        Assert.Equal("name", (string?)parts["x-kubernetes-patch-merge-key"]);
        Assert.Equal("merge", (string?)parts["x-kubernetes-patch-strategy"]);
    }

    [Fact]
    public void TheSerializersViewDecidesTheFields()
    {
        var properties = Schemas[Ns + "WidgetSpec"]!["properties"]!.AsObject();

        Assert.True(properties.ContainsKey("x-custom"));
        Assert.False(properties.ContainsKey("custom"));
        Assert.False(properties.ContainsKey("hidden"));
        Assert.False(properties.ContainsKey("extensionData"));
        Assert.Equal(["color"], Schemas[Ns + "WidgetSpec"]!["required"]!.AsArray().Select(r => (string?)r));
    }

    [Fact]
    public void SelfReferencesBecomeReferencesAndUndescribedObjectFieldsBorrowTheirTypesDescription()
    {
        Assert.Equal("#/components/schemas/" + Ns + "WidgetSpec", (string?)Spec("next")["allOf"]![0]!["$ref"]);
        Assert.Equal("What the widget should be.", (string?)Spec("next")["description"]);
    }

    [Fact]
    public void TheStatusSubresourceGetsReadReplaceAndPatch()
    {
        var status = Document["paths"]!["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status"]!.AsObject();

        Assert.Equal(["get", "parameters", "patch", "put"], status.Select(p => p.Key));
        Assert.Equal("patchExampleComV1NamespacedWidgetStatus", (string?)status["patch"]!["operationId"]);
        Assert.False(status["patch"]!.AsObject().ContainsKey("requestBody"));
        Assert.NotNull(status["put"]!["requestBody"]);
    }
}
