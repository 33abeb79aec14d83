using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Cel.Tests;

/// <summary>Objects arrive as System.Text.Json values; both shapes convert to the same CEL values.</summary>
public sealed class JsonValuesTests
{
    [Fact]
    public void A_JsonElement_and_a_JsonNode_evaluate_alike()
    {
        const string json = """{"spec":{"replicas":3,"ratio":0.5,"tags":["a","b"],"paused":false,"owner":null}}""";
        var program = CelEnvironment.ForCustomResourceRules()
            .Compile("self.spec.replicas == 3 && self.spec.ratio == 0.5 && self.spec.tags == ['a', 'b'] && !self.spec.paused && self.spec.owner == null")
            .Program!;

        using var doc = JsonDocument.Parse(json);
        var fromElement = program.Evaluate(new Dictionary<string, JsonElement> { ["self"] = doc.RootElement });
        var fromNode = program.Evaluate(new Dictionary<string, JsonNode?> { ["self"] = JsonNode.Parse(json) });

        Assert.True(fromElement.IsTrue, fromElement.Error);
        Assert.True(fromNode.IsTrue, fromNode.Error);
    }

    [Fact]
    public void A_node_built_in_code_converts_like_a_parsed_one()
    {
        var built = new JsonObject { ["name"] = "x", ["count"] = 3, ["ratio"] = 0.5, ["on"] = true, ["when"] = JsonValue.Create(new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc)) };
        var program = CelEnvironment.ForCustomResourceRules()
            .Compile("self.name == 'x' && self.count == 3 && self.ratio == 0.5 && self.on && self.when == '2026-01-02T00:00:00Z'").Program!;

        var result = program.Evaluate(new Dictionary<string, JsonNode?> { ["self"] = built });

        Assert.True(result.IsTrue, result.Error);
    }

    [Fact]
    public void An_integral_number_is_an_int_and_a_fractional_one_a_double()
    {
        Assert.Equal(3L, JsonValues.FromNode(JsonNode.Parse("3")));
        Assert.Equal(3.0, JsonValues.FromNode(JsonNode.Parse("3.0")));
    }

    [Fact]
    public void A_result_converts_back_to_JSON()
    {
        Assert.Equal("""{"a":[1,"x",true,null]}""", Cel.Json("{'a': [dyn(1), dyn('x'), dyn(true), dyn(null)]}"));
    }
}
