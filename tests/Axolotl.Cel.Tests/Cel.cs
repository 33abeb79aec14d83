using System.Text.Json.Nodes;

namespace Axolotl.Cel.Tests;

/// <summary>Compiles in the CRD-rule environment and evaluates over JSON, as the API server will.</summary>
internal static class Cel
{
    public static CelEvalResult Rule(string rule, string selfJson, string? oldSelfJson = null, CelEvaluationOptions? options = null)
    {
        var compiled = CelEnvironment.ForCustomResourceRules().Compile(rule);
        Assert.True(compiled.Success, compiled.Error);
        var vars = new Dictionary<string, JsonNode?> { ["self"] = JsonNode.Parse(selfJson) };
        if (oldSelfJson is not null)
        {
            vars["oldSelf"] = JsonNode.Parse(oldSelfJson);
        }

        return compiled.Program!.Evaluate(vars, options);
    }

    /// <summary>Evaluates an expression with no variables and renders the result as JSON text for easy assertions.</summary>
    public static string Json(string expression)
    {
        var compiled = CelEnvironment.Create().Compile(expression);
        Assert.True(compiled.Success, compiled.Error);
        var result = compiled.Program!.Evaluate(new Dictionary<string, JsonNode?>());
        Assert.True(result.Success, result.Error);
        return JsonValues.ToNode(result.Value)?.ToJsonString() ?? "null";
    }

    public static string Error(string expression)
    {
        var compiled = CelEnvironment.Create().Compile(expression);
        Assert.True(compiled.Success, compiled.Error);
        var result = compiled.Program!.Evaluate(new Dictionary<string, JsonNode?>());
        Assert.False(result.Success, $"expected an error, got {result.Value}");
        return result.Error!;
    }
}
