using Axolotl.Api.Core;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.Tests.ReplicaSets;

public sealed class PodsToDeleteTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Pod P(string name, string? node = "n1", string phase = "Running", bool ready = true, TimeSpan? readyFor = null,
        int restarts = 0, TimeSpan? age = null, string? cost = null)
    {
        var pod = ReplicaSetFixture.NewPod(name, null, null, node, phase, ready, Now - (readyFor ?? TimeSpan.FromHours(1)), restarts,
            Now - (age ?? TimeSpan.FromHours(2)), null);
        if (cost is not null)
        {
            pod.Metadata.Annotations = new() { [PodsToDelete.DeletionCostAnnotation] = cost };
        }
        return pod;
    }

    public static TheoryData<string, Pod, Pod> FirstGoesFirst => new()
    {
        { "unassigned before assigned", P("a", node: null, phase: "Running"), P("b", phase: "Pending") },
        { "pending before unknown", P("a", phase: "Pending"), P("b", phase: "Unknown") },
        { "unknown before running", P("a", phase: "Unknown"), P("b", phase: "Running") },
        { "not ready before ready", P("a", ready: false), P("b") },
        { "lower deletion cost first", P("a", cost: "-5"), P("b") },
        { "an unparsable cost counts as zero", P("a", cost: "cheap"), P("b", cost: "1") },
        { "ready for less time first", P("a", readyFor: TimeSpan.FromSeconds(10)), P("b", readyFor: TimeSpan.FromHours(1)) },
        { "more restarts first", P("a", restarts: 3), P("b", restarts: 1) },
        { "newer first", P("a", age: TimeSpan.FromMinutes(1)), P("b", age: TimeSpan.FromDays(1)) },
    };

    [Theory]
    [MemberData(nameof(FirstGoesFirst))]
    public void Pods_rank_in_upstream_order(string rule, Pod first, Pod second)
    {
        Assert.True(PodsToDelete.Compare(new(first, 1), new(second, 1), Now) < 0, rule);
        Assert.True(PodsToDelete.Compare(new(second, 1), new(first, 1), Now) > 0, rule);
    }

    [Fact]
    public void Ready_times_in_the_same_power_of_two_bucket_tie_and_fall_back_to_the_uid()
    {
        // 100 s and 110 s ago share floor(log2(ns)); restarts then decide.
        var a = P("z", readyFor: TimeSpan.FromSeconds(100), restarts: 0);
        var b = P("a", readyFor: TimeSpan.FromSeconds(110), restarts: 5);
        Assert.True(PodsToDelete.Compare(new(b, 1), new(a, 1), Now) < 0);
        // Within one bucket, UIDs order pods with otherwise equal standing.
        var c = P("c", readyFor: TimeSpan.FromSeconds(100));
        var d = P("d", readyFor: TimeSpan.FromSeconds(110));
        Assert.True(PodsToDelete.Compare(new(c, 1), new(d, 1), Now) < 0);
    }

    [Fact]
    public void A_pod_sharing_its_node_with_more_pods_of_the_workload_goes_first()
    {
        var crowded = P("crowded", node: "n1");
        var alone = P("alone", node: "n2");
        var sibling = P("sibling", node: "n1");

        var victims = PodsToDelete.Select([alone, crowded], [alone, crowded, sibling], 1, Now);

        Assert.Equal(["crowded"], victims.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Selecting_as_many_as_there_are_returns_them_all()
    {
        var pods = new[] { P("a"), P("b") };
        Assert.Equal(2, PodsToDelete.Select(pods, pods, 5, Now).Count);
    }
}
