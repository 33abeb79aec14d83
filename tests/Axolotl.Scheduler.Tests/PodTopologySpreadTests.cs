using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Plugins;

namespace Axolotl.Scheduler.Tests;

public sealed class PodTopologySpreadTests
{
    private const string Zone = "topology.kubernetes.io/zone";

    private readonly SchedulingAlgorithm _algorithm = SchedulingAlgorithm.CreateDefault();

    private static Pod Web(string name) => Build.Pod(name).Labeled("app", "web");

    private static Pod Spread(Pod pod, int maxSkew = 1, string key = Zone, string when = "DoNotSchedule", Action<TopologySpreadConstraint>? configure = null)
    {
        var constraint = new TopologySpreadConstraint
        {
            MaxSkew = maxSkew,
            TopologyKey = key,
            WhenUnsatisfiable = when,
            LabelSelector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
        };
        configure?.Invoke(constraint);
        (pod.Spec!.TopologySpreadConstraints ??= []).Add(constraint);
        return pod;
    }

    /// <summary>a and b in zone z1, c in z2; d (when asked) without a zone label.</summary>
    private static NodeInfo[] Nodes(bool withUnzoned, params (int Node, Pod Pod)[] pods)
    {
        var nodes = new List<Node>
        {
            Build.Node("a").Labeled(Zone, "z1"),
            Build.Node("b").Labeled(Zone, "z1"),
            Build.Node("c").Labeled(Zone, "z2"),
        };
        if (withUnzoned)
        {
            nodes.Add(Build.Node("d"));
        }
        return [.. nodes.Select((n, i) => Build.Info(n, [.. pods.Where(p => p.Node == i).Select(p => p.Pod)]))];
    }

    [Fact]
    public void A_zone_with_more_matching_pods_than_maxSkew_allows_is_filtered_out()
    {
        var nodes = Nodes(false, (0, Web("w1")));
        var state = new PodTopologySpread().PreFilter(Spread(Web("w2")), nodes)!;
        Assert.Equal(["node(s) didn't match pod topology spread constraints"], state.Filter(nodes[0]).Reasons);
        Assert.Equal(FilterCode.Unschedulable, state.Filter(nodes[1]).Code);
        Assert.True(state.Filter(nodes[2]).IsSuccess);
        Assert.Equal("c", _algorithm.Schedule(Spread(Web("w2")), nodes).NodeName);
    }

    [Fact]
    public void When_every_domain_is_too_full_the_pod_waits_with_kube_schedulers_message()
    {
        var nodes = Nodes(false, (0, Web("w1")), (0, Web("w2")), (2, Web("w3")));
        var result = _algorithm.Schedule(Spread(Web("w4"), key: "kubernetes.io/hostname"), nodes);
        // b has none, so b fits; take it away by cordoning it.
        Assert.Equal("b", result.NodeName);
        nodes[1].Node.Spec!.Unschedulable = true;
        var pending = _algorithm.Schedule(Spread(Web("w4"), key: "kubernetes.io/hostname"), nodes);
        Assert.StartsWith(
            "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod topology spread constraints.", pending.FailureMessage);
    }

    [Fact]
    public void A_node_without_the_topology_key_is_unresolvable_for_DoNotSchedule()
    {
        var nodes = Nodes(true);
        var state = new PodTopologySpread().PreFilter(Spread(Web("w")), nodes)!;
        var result = state.Filter(nodes[3]);
        Assert.Equal(FilterCode.UnschedulableAndUnresolvable, result.Code);
        Assert.Equal(["node(s) didn't match pod topology spread constraints (missing required label)"], result.Reasons);
    }

    [Fact]
    public void A_pod_the_selector_does_not_match_does_not_count_itself()
    {
        var nodes = Nodes(false, (0, Web("w1")));
        var other = Spread(Build.Pod("other").Labeled("app", "db"));
        // z1 has 1, z2 has 0: 1 + 0 - 0 <= 1 everywhere.
        Assert.All(nodes, n => Assert.True(new PodTopologySpread().PreFilter(other, nodes)!.Filter(n).IsSuccess));
    }

    [Fact]
    public void Pods_of_other_namespaces_and_terminating_pods_do_not_count()
    {
        var foreign = Build.Pod("f", ns: "shop").Labeled("app", "web");
        var leaving = Web("l");
        leaving.Metadata.DeletionTimestamp = DateTimeOffset.UnixEpoch;
        var nodes = Nodes(false, (0, foreign), (0, leaving));
        Assert.True(new PodTopologySpread().PreFilter(Spread(Web("w")), nodes)!.Filter(nodes[0]).IsSuccess);
    }

    [Fact]
    public void MinDomains_above_the_number_of_domains_makes_the_global_minimum_zero()
    {
        var nodes = Nodes(false, (0, Web("w1")), (2, Web("w2")));
        // Two zones each with one: skew 1 + 1 - 1 = 1 fits; with minDomains 3 the minimum is 0 and 2 > 1.
        Assert.True(new PodTopologySpread().PreFilter(Spread(Web("w3")), nodes)!.Filter(nodes[2]).IsSuccess);
        var strict = Spread(Web("w3"), configure: c => c.MinDomains = 3);
        Assert.False(new PodTopologySpread().PreFilter(strict, nodes)!.Filter(nodes[2]).IsSuccess);
    }

    [Fact]
    public void Nodes_the_pods_node_affinity_excludes_do_not_make_domains_unless_the_policy_says_Ignore()
    {
        var nodes = Nodes(false, (0, Web("w1")));
        Pod Pinned(string? policy)
        {
            var pod = Spread(Web("w2"), configure: c => c.NodeAffinityPolicy = policy);
            pod.Spec!.NodeSelector = new() { [Zone] = "z1" };
            return pod;
        }
        // Honor: only z1 is a domain, so its minimum is its own count and another pod fits there.
        Assert.True(new PodTopologySpread().PreFilter(Pinned(null), nodes)!.Filter(nodes[1]).IsSuccess);
        // Ignore: z2 (empty) counts, so z1 would be 2 - 0 > 1.
        Assert.False(new PodTopologySpread().PreFilter(Pinned("Ignore"), nodes)!.Filter(nodes[1]).IsSuccess);
    }

    [Fact]
    public void Tainted_nodes_make_domains_unless_the_taints_policy_says_Honor()
    {
        var nodes = Nodes(false, (0, Web("w1")));
        nodes[2].Node.Spec!.Taints = [new Taint { Key = "dedicated", Value = "x", Effect = "NoSchedule" }];
        Assert.False(new PodTopologySpread().PreFilter(Spread(Web("w2")), nodes)!.Filter(nodes[1]).IsSuccess);
        var honor = Spread(Web("w2"), configure: c => c.NodeTaintsPolicy = "Honor");
        Assert.True(new PodTopologySpread().PreFilter(honor, nodes)!.Filter(nodes[1]).IsSuccess);
    }

    [Fact]
    public void MatchLabelKeys_narrow_the_selector_to_the_pods_own_values()
    {
        var oldRevision = Web("w1").Labeled("pod-template-hash", "old");
        var nodes = Nodes(false, (0, oldRevision));
        var pod = Spread(Web("w2").Labeled("pod-template-hash", "new"), configure: c => c.MatchLabelKeys = ["pod-template-hash"]);
        Assert.True(new PodTopologySpread().PreFilter(pod, nodes)!.Filter(nodes[0]).IsSuccess);
        Assert.False(new PodTopologySpread().PreFilter(Spread(Web("w2")), nodes)!.Filter(nodes[0]).IsSuccess);
    }

    [Fact]
    public void Preemption_dry_run_counts_the_domain_without_the_victims()
    {
        var nodes = Nodes(false, (0, Web("w1")), (0, Web("w2")), (2, Web("w3")));
        var pod = Spread(Web("w4"), key: "kubernetes.io/hostname");
        pod.Spec!.Priority = 100;
        nodes[1].Node.Spec!.Unschedulable = true;
        var result = _algorithm.Schedule(pod, nodes);
        Assert.Equal("0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod topology spread constraints.", result.FailureMessage);
    }

    [Fact]
    public void ScheduleAnyway_prefers_the_emptier_zone()
    {
        var nodes = Nodes(false, (0, Web("w1")), (1, Web("w2")));
        var pod = Spread(Web("w3"), when: "ScheduleAnyway");
        Assert.Null(new PodTopologySpread().PreFilter(pod, nodes));
        // z1: 2 × ln(4) + 0 = 2.77 → 3; z2: 0 → inverted: 100 × (3 + 0 - 3) / 3 = 0 and 100.
        Assert.Equal([0L, 0L, 100L], new PodTopologySpread().Score(pod, nodes, nodes));
    }

    [Fact]
    public void Nodes_without_a_key_of_explicit_constraints_score_zero()
    {
        var nodes = Nodes(true, (0, Web("w1")));
        var pod = Spread(Web("w2"), when: "ScheduleAnyway");
        Assert.Equal(0L, new PodTopologySpread().Score(pod, nodes, nodes)[3]);
    }

    [Fact]
    public void A_pod_of_no_set_gets_no_default_spreading()
    {
        var nodes = Nodes(false, (0, Build.Pod("x")));
        Assert.Equal([0L, 0L, 0L], new PodTopologySpread().Score(Build.Pod("p"), nodes, nodes));
    }

    [Fact]
    public void Preferred_node_affinity_weights_pick_the_heaviest_matching_node()
    {
        var pod = Build.Pod("p");
        pod.Spec!.Affinity = new Affinity
        {
            NodeAffinity = new Api.Core.NodeAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution =
                [
                    new PreferredSchedulingTerm { Weight = 20, Preference = new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = Zone, Operator = "In", Values = ["z1"] }] } },
                    new PreferredSchedulingTerm { Weight = 80, Preference = new NodeSelectorTerm { MatchFields = [new NodeSelectorRequirement { Key = "metadata.name", Operator = "In", Values = ["c"] }] } },
                ],
            },
        };
        var nodes = Nodes(true);
        Assert.Equal([25L, 25L, 100L, 0L], new Plugins.NodeAffinity().Score(pod, nodes, nodes));
        Assert.Equal("c", _algorithm.Schedule(pod, nodes).NodeName);
    }
}
