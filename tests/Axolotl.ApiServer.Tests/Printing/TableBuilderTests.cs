using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Printing;

namespace Axolotl.ApiServer.Tests.Printing;

public class TableBuilderTests
{
    private static JsonObject Pod(string name) => JsonNode.Parse($$"""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"{{name}}","namespace":"default","uid":"u-{{name}}","resourceVersion":"41","labels":{"app":"web"},"creationTimestamp":"2025-01-01T11:59:00Z"},
         "spec":{"containers":[{"name":"app","image":"nginx"}]},"status":{"phase":"Pending"} }
        """)!.AsObject();

    private static TableOptions Options => new() { Now = Printed.Now, ResourceVersion = "136" };

    [Fact]
    public void AListBecomesATableWithColumnsRowsAndTheListResourceVersion()
    {
        var table = TableBuilder.Build(KnownResources.Pods, [Pod("a"), Pod("b")], Options with { Continue = "tok", RemainingItemCount = 4 });

        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)table["apiVersion"]);
        Assert.Equal("136", (string?)table["metadata"]!["resourceVersion"]);
        Assert.Equal("tok", (string?)table["metadata"]!["continue"]);
        Assert.Equal(4, (long?)table["metadata"]!["remainingItemCount"]);

        var columns = table["columnDefinitions"]!.AsArray();
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"],
            columns.Select(c => (string?)c!["name"]));
        Assert.Equal("name", (string?)columns[0]!["format"]);
        Assert.Equal("", (string?)columns[1]!["format"]);
        Assert.Equal(0, (int?)columns[4]!["priority"]);
        Assert.Equal(1, (int?)columns[5]!["priority"]);
        Assert.All(columns, c => Assert.False(string.IsNullOrEmpty((string?)c!["description"])));

        var rows = table["rows"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["a", "0/1", "Pending", "0", "60s", "<none>", "<none>", "<none>", "<none>"],
            rows[0]!["cells"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public void RowsCarryPartialObjectMetadataByDefault()
    {
        var row = TableBuilder.Build(KnownResources.Pods, [Pod("a")], Options)["rows"]![0]!;

        var obj = row["object"]!;
        Assert.Equal("PartialObjectMetadata", (string?)obj["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)obj["apiVersion"]);
        Assert.Equal("default", (string?)obj["metadata"]!["namespace"]);
        Assert.Equal("web", (string?)obj["metadata"]!["labels"]!["app"]);
        Assert.Null(obj["spec"]);
    }

    [Fact]
    public void IncludeObjectNoneOmitsTheObjectAndObjectIncludesAllOfIt()
    {
        var none = TableBuilder.Build(KnownResources.Pods, [Pod("a")], Options with { IncludeObject = IncludeObjectPolicy.None });
        Assert.False(none["rows"]![0]!.AsObject().ContainsKey("object"));

        var source = Pod("a");
        source.Remove("kind");
        source.Remove("apiVersion");
        var full = TableBuilder.Build(KnownResources.Pods, [source], Options with { IncludeObject = IncludeObjectPolicy.Object });
        var obj = full["rows"]![0]!["object"]!;
        Assert.Equal("Pod", (string?)obj["kind"]);
        Assert.Equal("v1", (string?)obj["apiVersion"]);
        Assert.Equal("nginx", (string?)obj["spec"]!["containers"]![0]!["image"]);
        Assert.Null(source["kind"]);
    }

    [Fact]
    public void WatchEventsAfterTheFirstCarryNoColumnDefinitions()
    {
        var table = TableBuilder.Build(KnownResources.Pods, [Pod("a")], Options with { IncludeColumnDefinitions = false });

        Assert.True(table.ContainsKey("columnDefinitions"));
        Assert.Null(table["columnDefinitions"]);
        Assert.Single(table["rows"]!.AsArray());
    }

    [Fact]
    public void IntegerColumnsCarryJsonNumbers()
    {
        var rs = JsonNode.Parse("""{"metadata":{"name":"rs"},"spec":{"replicas":3},"status":{"replicas":2,"readyReplicas":1}}""")!.AsObject();

        var cells = TableBuilder.Build(KnownResources.ReplicaSets, [rs], Options)["rows"]![0]!["cells"]!.AsArray();

        Assert.Equal(System.Text.Json.JsonValueKind.Number, cells[1]!.GetValueKind());
        Assert.Equal("""["rs",3,2,1,"<unknown>","","","<none>"]""",
            cells.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public void AnEmptyListIsATableWithColumnsAndNoRows()
    {
        var table = TableBuilder.Build(KnownResources.Deployments, [], Options);

        Assert.Empty(table["rows"]!.AsArray());
        Assert.Equal(8, table["columnDefinitions"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(null, IncludeObjectPolicy.Metadata, true)]
    [InlineData("", IncludeObjectPolicy.Metadata, true)]
    [InlineData("Metadata", IncludeObjectPolicy.Metadata, true)]
    [InlineData("None", IncludeObjectPolicy.None, true)]
    [InlineData("Object", IncludeObjectPolicy.Object, true)]
    [InlineData("object", IncludeObjectPolicy.Metadata, false)]
    public void IncludeObjectParsesUpstreamsThreeValues(string? value, IncludeObjectPolicy expected, bool valid)
    {
        Assert.Equal(valid, TableOptions.TryParseIncludeObject(value, out var policy));
        Assert.Equal(expected, policy);
    }

    public static TheoryData<string> ServedResources => [.. KnownResources.All.Select(r => $"{r.QualifiedResource}/{r.Version}")];

    [Theory]
    [MemberData(nameof(ServedResources))]
    public void EveryServedKindPrintsABareObjectWithOneCellPerColumn(string resource)
    {
        var type = KnownResources.All.Single(r => $"{r.QualifiedResource}/{r.Version}" == resource);
        var table = TableBuilder.Build(type, [new JsonObject { ["metadata"] = new JsonObject { ["name"] = "x" } }], Options);

        var columns = table["columnDefinitions"]!.AsArray();
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal(columns.Count, cells.Count);
        Assert.Equal("x", (string?)cells[columns.Select(c => (string?)c!["name"]).ToList().IndexOf("Name")]);
    }

    [Fact]
    public void AScaleSubresourcePrintsThroughTheKindOverload()
    {
        var scale = JsonNode.Parse("""{"metadata":{"name":"web"},"spec":{"replicas":3},"status":{"replicas":2}}""")!.AsObject();

        var table = TableBuilder.Build("autoscaling", "Scale", "autoscaling/v1", [scale], Options with { IncludeObject = IncludeObjectPolicy.Object });

        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal(["web", "3", "2", "<unknown>"], cells.Select(c => c!.ToString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Number, cells[1]!.GetValueKind());
        Assert.Equal("autoscaling/v1", (string?)table["rows"]![0]!["object"]!["apiVersion"]);
    }

    [Fact]
    public void TheDefaultPrinterServesKindsWithoutTheirOwn() =>
        Assert.Same(TablePrinters.Default, TablePrinters.For("example.com", "Widget"));
}
