using System.Text.Json.Nodes;

namespace Axolotl.Cel.Tests;

/// <summary>The estimate lets the API server refuse, when a CRD is written, a rule that could exceed the per-call limit.</summary>
public sealed class CostEstimateTests
{
    private static CelProgram Compile(string rule) => CelEnvironment.ForCustomResourceRules().Compile(rule).Program!;

    [Fact]
    public void Nested_comprehensions_over_unbounded_lists_are_estimated_over_the_limit()
    {
        var estimate = Compile("self.all(x, self.all(y, self.all(z, x + y + z >= 0)))").EstimateCost(maxSize: 1000);

        Assert.True(estimate > CelEvaluationOptions.KubernetesPerCallLimit, $"estimate {estimate}");
    }

    [Fact]
    public void A_simple_comparison_is_estimated_cheaply()
    {
        Assert.InRange(Compile("self.minReplicas <= self.replicas").EstimateCost(maxSize: 1000), 1, 20);
    }

    [Fact]
    public void The_estimate_bounds_the_actual_cost()
    {
        var program = Compile("self.all(x, self.all(y, x + y >= 0))");
        var self = JsonNode.Parse("[" + string.Join(",", Enumerable.Range(0, 100)) + "]");

        var actual = program.Evaluate(new Dictionary<string, JsonNode?> { ["self"] = self }, new CelEvaluationOptions { Timeout = TimeSpan.FromMinutes(10) }).Cost;

        Assert.InRange(actual, 10_000, program.EstimateCost(maxSize: 100));
    }

    [Fact]
    public void An_estimate_that_would_overflow_saturates()
    {
        var rule = "self.all(a, self.all(b, self.all(c, self.all(d, self.all(e, self.all(f, true))))))";

        Assert.Equal(long.MaxValue, Compile(rule).EstimateCost(maxSize: long.MaxValue / 2));
    }
}
