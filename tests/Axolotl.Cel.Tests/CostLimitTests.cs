using System.Text.Json.Nodes;
using Axolotl.Cel.Types;

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

        // self.items 2; map 14 per item (reading __result__ 1, self.s 2, the list of one 10, + 1) and 1 for the result;
        // join 0.2 per character of its million-character result; size 1; > 1.
        Assert.True(result.IsTrue);
        Assert.Equal(2 + 14_001 + 200_000 + 1 + 1, result.Cost);
    }

    [Fact]
    public void A_cheap_rule_reports_its_cost_and_stays_well_under_the_limit()
    {
        var result = Cel.Rule("self.all(x, x >= 0)", BigList, options: CostOnly);

        // self 1; per item the loop check 2, reading __result__ 1, x 1, >= 1; the result 1.
        Assert.True(result.IsTrue);
        Assert.Equal(1 + (5 * 1000) + 1, result.Cost);
    }

    [Fact]
    public void A_rule_is_stopped_at_the_first_step_past_the_per_call_limit_where_upstream_stops_it()
    {
        // self 1; per item the loop check 2, reading __result__ 1, x 1, self 1, in the list's size; the result 1.
        // 997 items cost 1 + 997 * 1,002 + 1 = 998,996. With 998 items the total is 999,997 before the last in,
        // which brings it to 1,000,995: that step is stopped, and is the cost reported.
        var under = Rule("self.all(x, x in self)", 997, CostOnly);
        var over = Rule("self.all(x, x in self)", 998, CostOnly);

        Assert.True(under.IsTrue);
        Assert.Equal(998_996, under.Cost);
        Assert.True(over.Cancelled);
        Assert.Equal("operation cancelled: actual cost limit exceeded", over.Error);
        Assert.Equal(1_000_995, over.Cost);
    }

    [Theory]
    [InlineData(1_000_500, "validation failed due to running out of cost budget, no further validation rules will be run", 1_000_500 - 1_000_995)]
    [InlineData(1_001_000, "operation cancelled: actual cost limit exceeded", 1_001_000 - 1_000_995)]
    public void A_stop_at_the_per_call_limit_reports_the_budget_when_it_also_spent_it_as_upstream_checks_the_budget_first(long budget, string error, long left)
    {
        var shared = new CelCostBudget(budget);

        var result = Rule("self.all(x, x in self)", 998, new CelEvaluationOptions { Budget = shared, Timeout = TimeSpan.FromMinutes(10) });

        Assert.Equal(error, result.Error);
        Assert.Equal(left, shared.Remaining);
    }

    [Fact]
    public void Rules_of_one_request_draw_from_a_shared_budget_until_it_runs_out()
    {
        var budget = new CelCostBudget(8_000);
        var options = new CelEvaluationOptions { Budget = budget, Timeout = TimeSpan.FromMinutes(10) };

        var first = Cel.Rule("self.all(x, x >= 0)", BigList, options: options);
        var second = Cel.Rule("self.all(x, x >= 0)", BigList, options: options);

        Assert.True(first.IsTrue);
        Assert.Equal(8_000 - first.Cost, budget.Remaining + second.Cost);
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

    // A rule over a list of n zeros whose schema says it is a list of integers, so that `in` resolves to its list overload.
    private static CelEvalResult Rule(string rule, int n, CelEvaluationOptions options)
    {
        var compiled = CelEnvironment.ForCustomResourceRules(CelDeclType.List(CelDeclType.Int), optionalOldSelf: false).Compile(rule);
        Assert.True(compiled.Success, compiled.Error);
        var self = JsonNode.Parse("[" + string.Join(",", Enumerable.Repeat("0", n)) + "]");
        return compiled.Program!.Evaluate(new Dictionary<string, JsonNode?> { ["self"] = self }, options);
    }

    /// <summary>Each read of the clock moves it on by a fixed step, so a deadline passes after a known number of polls.</summary>
    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now += step.Ticks;
    }
}
