using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Plugins;

namespace Axolotl.Scheduler.Tests;

public sealed class SchedulingAlgorithmTests
{
    private readonly SchedulingAlgorithm _algorithm = SchedulingAlgorithm.CreateDefault();

    [Fact]
    public void A_pod_that_fits_nowhere_gets_upstreams_message_with_sorted_reasons_and_the_preemption_verdict()
    {
        var cordoned = Build.Node("a", memory: "8Gi");
        cordoned.Spec!.Unschedulable = true;
        var small = Build.Node("b", memory: "1Gi");
        var result = _algorithm.Schedule(Build.Pod("big", memory: "2Gi"), [Build.Info(cordoned), Build.Info(small)]);
        Assert.Null(result.NodeName);
        Assert.Equal(
            "0/2 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable. "
            + "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
            result.FailureMessage);
    }

    [Fact]
    public void When_every_node_fails_for_unresolvable_reasons_preemption_is_not_helpful_anywhere()
    {
        var a = Build.Node("a");
        a.Spec!.Unschedulable = true;
        var b = Build.Node("b");
        b.Spec!.Unschedulable = true;
        var result = _algorithm.Schedule(Build.Pod("p"), [Build.Info(a), Build.Info(b)]);
        Assert.Equal("0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
            result.FailureMessage);
    }

    [Fact]
    public void No_nodes_at_all_reads_as_upstreams_no_nodes_available()
    {
        Assert.Equal("no nodes available to schedule pods", _algorithm.Schedule(Build.Pod("p"), []).FailureMessage);
    }

    [Fact]
    public void A_pod_with_preemptionPolicy_Never_is_not_eligible_for_preemption()
    {
        var pod = Build.Pod("p", cpu: "4");
        pod.Spec!.PreemptionPolicy = "Never";
        var result = _algorithm.Schedule(pod, [Build.Info(Build.Node("a"))]);
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.", result.FailureMessage);
    }

    [Fact]
    public void Preemption_reruns_the_filters_without_lower_priority_pods_and_reports_what_still_fails()
    {
        var low = Build.Pod("low", cpu: "1");
        var pod = Build.Pod("p", cpu: "4");
        pod.Spec!.Priority = 10;
        var result = _algorithm.Schedule(pod, [Build.Info(Build.Node("a"), low)]);
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.", result.FailureMessage);
    }

    [Fact]
    public void Only_the_first_failing_filter_gives_a_nodes_reasons()
    {
        var node = Build.Node("a", cpu: "1");
        node.Spec!.Unschedulable = true;
        var result = _algorithm.Schedule(Build.Pod("p", cpu: "2"), [Build.Info(node)]);
        Assert.StartsWith("0/1 nodes are available: 1 node(s) were unschedulable.", result.FailureMessage);
        Assert.DoesNotContain("Insufficient", result.FailureMessage);
    }

    [Fact]
    public void The_histogram_counts_each_reason_per_node_and_sorts_ordinally()
    {
        var histogram = FailureMessage.Histogram(
        [
            FilterResult.Unschedulable("Insufficient cpu", "Insufficient memory"),
            FilterResult.Unschedulable("Insufficient cpu"),
            FilterResult.Unresolvable("node(s) had untolerated taint {a: b}"),
        ]);
        Assert.Equal("1 Insufficient memory, 1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu", histogram);
    }

    [Fact]
    public void The_least_allocated_node_wins()
    {
        var busy = Build.Info(Build.Node("a"), Build.Pod("x", "1500m", "3Gi"));
        var idle = Build.Info(Build.Node("b"));
        Assert.Equal("b", _algorithm.Schedule(Build.Pod("p", "100m", "100Mi"), [busy, idle]).NodeName);
    }

    /// <summary>The ReplicaSet "rs" (the owner <see cref="Build.OwnedBy"/> names) selecting app=web.</summary>
    private static DefaultSpreadSelector WebReplicaSet() => new(_ => [], (_, _) => null,
        (_, name) => name == "rs" ? new Api.Apps.ReplicaSet { Spec = new Api.Apps.ReplicaSetSpec { Selector = new Api.Core.LabelSelector { MatchLabels = new() { ["app"] = "web" } } } } : null,
        (_, _) => null);

    private static Api.Core.Pod Replica(string name) => Build.Pod(name).OwnedBy("rs-uid").Labeled("app", "web");

    [Fact]
    public void Replicas_of_one_owner_spread_across_nodes_even_when_a_node_has_more_room()
    {
        var algorithm = SchedulingAlgorithm.CreateDefault(defaultSpread: WebReplicaSet());
        var big = Build.Info(Build.Node("a", cpu: "8", memory: "16Gi"), Replica("r1"));
        var small = Build.Info(Build.Node("b", cpu: "2", memory: "4Gi"));
        Assert.Equal("b", algorithm.Schedule(Replica("r2"), [big, small]).NodeName);
    }

    [Fact]
    public void Default_spreading_scores_by_hostname_with_kube_schedulers_system_constraints()
    {
        var a = Build.Info(Build.Node("a"), Replica("r1"), Replica("r2"));
        var b = Build.Info(Build.Node("b"), Replica("r3"));
        var c = Build.Info(Build.Node("c"), Build.Pod("other").OwnedBy("rs-uid").Labeled("app", "other"));
        // hostname maxSkew 3 over 3 nodes: count × ln(5) + 2 → 5, 4, 2; inverted as 100 × (max + min - s) / max.
        Assert.Equal([40L, 60L, 100L], new PodTopologySpread(WebReplicaSet()).Score(Replica("r4"), [a, b, c], [a, b, c]));
    }

    [Fact]
    public void A_bare_pod_no_service_selects_gets_no_default_spreading_however_alike_its_neighbours()
    {
        // Upstream's DefaultSelector is empty for it: kube-scheduler scores such pods by resources alone.
        var a = Build.Info(Build.Node("a"), Build.Pod("x").Labeled("app", "web"), Build.Pod("y").Labeled("app", "web"));
        var b = Build.Info(Build.Node("b"));
        Assert.Equal([0L, 0L], new PodTopologySpread(WebReplicaSet()).Score(Build.Pod("p").Labeled("app", "web"), [a, b], [a, b]));
    }

    [Fact]
    public void Least_allocated_scores_free_share_of_cpu_and_memory_counting_request_less_pods_as_defaults()
    {
        var node = Build.Info(Build.Node("a", cpu: "1", memory: "1000Mi"));
        // 100m of 1000m used → 90; 200Mi of 1000Mi used → 80; average 85.
        Assert.Equal([85L], new LeastAllocated().Score(Build.Pod("p"), [node], [node]));
    }

    [Fact]
    public void Equal_nodes_are_chosen_in_name_order()
    {
        Assert.Equal("a", _algorithm.Schedule(Build.Pod("p"), [Build.Info(Build.Node("b")), Build.Info(Build.Node("a"))]).NodeName);
    }
}
