using System.Text.Json.Nodes;

namespace Axolotl.Cel.Tests;

/// <summary>A rule that loops or allocates too much is stopped, with kube-apiserver's message, and never hangs.</summary>
public sealed class CostLimitTests
{
    private static readonly string BigList = "[" + string.Join(",", Enumerable.Range(0, 1000)) + "]";

    // The deadline is pushed far out so that only the cost model decides these tests, however loaded the machine.
    private static readonly CelEvaluationOptions CostOnly = new() { Timeout = TimeSpan.FromMinutes(10) };

    [Fact]
    public void Nested_comprehensions_over_a_big_list_are_stopped_by_the_per_call_limit()
    {
        var result = Cel.Rule("self.all(x, self.all(y, self.all(z, x + y + z >= 0)))", BigList, options: CostOnly);

        Assert.False(result.Success);
        Assert.True(result.Cancelled);
        Assert.Equal("operation cancelled: actual cost limit exceeded", result.Error);
        Assert.InRange(result.Cost, CelEvaluationOptions.KubernetesPerCallLimit, CelEvaluationOptions.KubernetesPerCallLimit + 100);
    }

    [Fact]
    public void Allocating_an_ever_larger_list_is_stopped_by_the_limit()
    {
        var result = Cel.Rule("self.map(x, self.map(y, self)).size() > 0", BigList, options: CostOnly);

        Assert.Equal("operation cancelled: actual cost limit exceeded", result.Error);
    }

    [Fact]
    public void Building_a_huge_string_is_charged_by_its_length()
    {
        var self = $$"""{"s":"{{new string('a', 1000)}}","items":{{BigList}}}""";

        var result = Cel.Rule("self.items.map(x, self.s).join('').size() > 0", self, options: CostOnly);

        Assert.True(result.IsTrue);
        Assert.InRange(result.Cost, 100_000, 200_000); // one million characters joined, at 0.1 per character

    }

    [Fact]
    public void A_cheap_rule_reports_its_cost_and_stays_well_under_the_limit()
    {
        var result = Cel.Rule("self.all(x, x >= 0)", BigList, options: CostOnly);

        Assert.True(result.IsTrue);
        Assert.InRange(result.Cost, 1000, 10_000);
    }

    [Fact]
    public void Rules_of_one_request_draw_from_a_shared_budget_until_it_runs_out()
    {
        var budget = new CelCostBudget(5_000);
        var options = new CelEvaluationOptions { Budget = budget, Timeout = TimeSpan.FromMinutes(10) };

        var first = Cel.Rule("self.all(x, x >= 0)", BigList, options: options);
        var second = Cel.Rule("self.all(x, x >= 0)", BigList, options: options);

        Assert.True(first.IsTrue);
        Assert.Equal(5_000 - first.Cost, budget.Remaining + second.Cost);
        Assert.Equal("validation failed due to running out of cost budget, no further validation rules will be run", second.Error);
    }

    [Fact]
    public void A_passed_deadline_stops_the_evaluation_even_under_an_unlimited_cost()
    {
        var time = new SteppingTimeProvider(TimeSpan.FromMilliseconds(100));
        var options = new CelEvaluationOptions { CostLimit = long.MaxValue, Timeout = TimeSpan.FromSeconds(1), Time = time };

        var result = Cel.Rule("self.all(x, self.all(y, self.all(z, x + y + z >= 0)))", BigList, options: options);

        Assert.True(result.Cancelled);
        Assert.Equal("operation cancelled: evaluation deadline exceeded", result.Error);
    }

    [Fact]
    public void A_cancelled_token_stops_the_evaluation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var options = new CelEvaluationOptions { CostLimit = long.MaxValue, CancellationToken = cts.Token };

        var result = Cel.Rule("self.all(x, self.all(y, x + y >= 0))", BigList, options: options);

        Assert.True(result.Cancelled);
    }

    [Fact]
    public void A_compiled_program_can_be_evaluated_from_many_threads()
    {
        var program = CelEnvironment.ForCustomResourceRules().Compile("self.all(x, x >= 0)").Program!;
        var self = JsonNode.Parse(BigList);

        var results = Enumerable.Range(0, 8).AsParallel()
            .Select(_ => program.Evaluate(new Dictionary<string, JsonNode?> { ["self"] = self!.DeepClone() }, CostOnly).IsTrue)
            .ToList();

        Assert.All(results, Assert.True);
    }

    /// <summary>Each read of the clock moves it on by a fixed step, so a deadline passes after a known number of polls.</summary>
    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now += step.Ticks;
    }
}
