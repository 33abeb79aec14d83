using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Tests;

/// <summary>kube-scheduler's adaptive percentageOfNodesToScore: a large cluster's cycle stops filtering once enough nodes fit, and the next cycle starts where it stopped.</summary>
public sealed class FeasibleNodeSearchTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(99, 99)]
    [InlineData(100, 100)] // 49 %, raised to the minimum of 100
    [InlineData(250, 120)] // 48 %
    [InlineData(1000, 420)] // 42 %
    [InlineData(5000, 500)] // 10 %
    [InlineData(6000, 300)] // 2 %, raised to the floor of 5 %
    public void The_number_of_feasible_nodes_to_find_follows_upstreams_adaptive_percentage(int nodes, int expected)
    {
        Assert.Equal(expected, SchedulingAlgorithm.NumFeasibleNodesToFind(nodes));
    }

    [Fact]
    public void A_large_cluster_is_searched_in_turns_and_a_small_one_whole()
    {
        var seen = new CountingFilter();
        var algorithm = new SchedulingAlgorithm([seen], []);
        var large = Enumerable.Range(0, 250).Select(i => Build.Info(Build.Node($"n{i:D3}"))).ToList();

        var first = algorithm.Schedule(Build.Pod("a"), large);
        Assert.Equal(120, seen.Names.Count);
        Assert.Equal("n000", first.NodeName);
        var second = algorithm.Schedule(Build.Pod("b"), large);
        // The second search starts after the first one's last node: the next 120 names.
        Assert.Equal(240, seen.Names.Count);
        Assert.Equal("n120", second.NodeName);
        algorithm.Schedule(Build.Pod("c"), large);
        // The third wraps around the end of the list.
        Assert.Equal(["n240", "n249", "n000", "n109"], [seen.Names[240], seen.Names[249], seen.Names[250], seen.Names[^1]]);

        seen.Names.Clear();
        var small = large.Take(99).ToList();
        Assert.Equal("n000", algorithm.Schedule(Build.Pod("d"), small).NodeName);
        Assert.Equal(99, seen.Names.Count);
    }

    [Fact]
    public void A_pod_that_fits_nowhere_is_judged_on_every_node()
    {
        var seen = new CountingFilter { Refuse = true };
        var algorithm = new SchedulingAlgorithm([seen], []);
        var nodes = Enumerable.Range(0, 250).Select(i => Build.Info(Build.Node($"n{i:D3}"))).ToList();

        var result = algorithm.Schedule(Build.Pod("p"), nodes);

        Assert.Null(result.NodeName);
        Assert.Equal(250, seen.Names.Distinct().Count());
        Assert.StartsWith("0/250 nodes are available: 250 counted.", result.FailureMessage);
    }

    private sealed class CountingFilter : IFilterPlugin
    {
        public List<string> Names { get; } = [];

        public bool Refuse { get; init; }

        public string Name => "Counting";

        public FilterResult Filter(Pod pod, NodeInfo node)
        {
            Names.Add(node.Name);
            return Refuse ? FilterResult.Unschedulable("counted") : FilterResult.Success;
        }
    }
}
