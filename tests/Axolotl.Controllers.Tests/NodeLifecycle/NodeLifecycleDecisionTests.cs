using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Controllers.NodeLifecycle;

namespace Axolotl.Controllers.Tests.NodeLifecycle;

/// <summary>
/// The node lifecycle decisions. (The reconciler itself writes Node status; the e2e tests cover that path.)
/// </summary>
public sealed class NodeLifecycleDecisionTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Unknown", "node.kubernetes.io/unreachable")]
    [InlineData("False", "node.kubernetes.io/not-ready")]
    public void A_node_that_is_not_ready_gets_the_matching_NoSchedule_and_NoExecute_taints(string ready, string key)
    {
        var taints = NodeTaints.Reconcile(NodeWith(ready), Now)!;

        Assert.Equal([$"{key}:NoExecute", $"{key}:NoSchedule"], taints.Select(t => $"{t.Key}:{t.Effect}").Order(StringComparer.Ordinal));
        Assert.Equal(Now, taints.Single(t => t.Effect == "NoExecute").TimeAdded);
    }

    [Fact]
    public void A_ready_node_loses_the_lifecycle_taints_but_keeps_the_others_and_a_cordoned_one_is_unschedulable()
    {
        var node = NodeWith("True", [new Taint { Key = "node.kubernetes.io/unreachable", Effect = "NoExecute" }, new Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }]);
        node.Spec!.Unschedulable = true;

        var taints = NodeTaints.Reconcile(node, Now)!;

        Assert.Equal(["dedicated:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"], taints.Select(t => $"{t.Key}:{t.Effect}").Order(StringComparer.Ordinal));
        Assert.Null(NodeTaints.Reconcile(NodeWith("True"), Now));
    }

    [Fact]
    public void A_pod_is_evicted_when_its_shortest_toleration_runs_out_and_at_once_without_one()
    {
        var taint = new Taint { Key = "node.kubernetes.io/unreachable", Effect = "NoExecute", TimeAdded = Now };

        Assert.Equal(Now.AddSeconds(5), TaintEviction.EvictAt(PodTolerating(5), [taint], Now.AddSeconds(1)));
        Assert.Null(TaintEviction.EvictAt(PodTolerating(null), [taint], Now));
        Assert.Equal(Now.AddSeconds(3), TaintEviction.EvictAt(new Pod { Spec = new PodSpec() }, [taint], Now.AddSeconds(3)));
        Assert.Null(TaintEviction.EvictAt(new Pod { Spec = new PodSpec() }, [new Taint { Key = "x", Effect = "NoSchedule" }], Now));
    }

    [Fact]
    public void Terminating_pods_are_forced_out_at_once_on_unreachable_nodes_and_after_their_grace_on_not_ready_ones()
    {
        var terminating = new Pod { Metadata = new ObjectMeta { Name = "p", DeletionTimestamp = Now.AddSeconds(30) } };

        Assert.True(PodGarbageCollection.ShouldForceDelete(terminating, NodeWith("Unknown"), Now));
        Assert.False(PodGarbageCollection.ShouldForceDelete(terminating, NodeWith("False"), Now));
        Assert.True(PodGarbageCollection.ShouldForceDelete(terminating, NodeWith("False"), Now.AddSeconds(30)));
        Assert.False(PodGarbageCollection.ShouldForceDelete(terminating, NodeWith("True"), Now.AddHours(1)));
        Assert.False(PodGarbageCollection.ShouldForceDelete(new Pod(), NodeWith("Unknown"), Now));
    }

    private static Pod PodTolerating(long? seconds) => new()
    {
        Spec = new PodSpec { Tolerations = [new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = seconds }] },
    };

    private static Node NodeWith(string ready, List<Taint>? taints = null) => new()
    {
        Metadata = new ObjectMeta { Name = "n1" },
        Spec = new NodeSpec { Taints = taints },
        Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = ready }] },
    };
}
