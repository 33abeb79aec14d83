using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Plugins;

namespace Axolotl.Scheduler.Tests;

public sealed class InterPodAffinityTests
{
    private static readonly Dictionary<string, Dictionary<string, string>> NamespaceLabelsByName = new()
    {
        ["default"] = new() { ["team"] = "core" },
        ["shop"] = new() { ["team"] = "web" },
        ["tools"] = new() { ["team"] = "ops" },
    };

    private readonly SchedulingAlgorithm _algorithm = SchedulingAlgorithm.CreateDefault(namespaceLabels: name => NamespaceLabelsByName.GetValueOrDefault(name));

    private static Pod Web(string name, string ns = "default") => Build.Pod(name, ns: ns).Labeled("app", "web");

    private static NodeInfo[] ThreeNodesInTwoZones(params (int Node, Pod Pod)[] pods)
    {
        var nodes = new[]
        {
            Build.Node("a").Labeled("topology.kubernetes.io/zone", "z1"),
            Build.Node("b").Labeled("topology.kubernetes.io/zone", "z1"),
            Build.Node("c").Labeled("topology.kubernetes.io/zone", "z2"),
        };
        return [.. nodes.Select((n, i) => Build.Info(n, [.. pods.Where(p => p.Node == i).Select(p => p.Pod)]))];
    }

    [Fact]
    public void Required_anti_affinity_on_hostname_keeps_a_replica_off_every_node_that_has_one_with_kube_schedulers_message()
    {
        var nodes = ThreeNodesInTwoZones((0, Web("w1")), (1, Web("w2")), (2, Web("w3")));
        var result = _algorithm.Schedule(Web("w4").WithAntiAffinity(Build.Term("app", "web")), nodes);
        Assert.Null(result.NodeName);
        Assert.Equal(
            "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
            result.FailureMessage);
    }

    [Fact]
    public void Required_anti_affinity_picks_the_node_without_a_matching_pod()
    {
        var nodes = ThreeNodesInTwoZones((0, Web("w1")), (2, Web("w3")));
        Assert.Equal("b", _algorithm.Schedule(Web("w4").WithAntiAffinity(Build.Term("app", "web")), nodes).NodeName);
    }

    [Fact]
    public void Required_anti_affinity_on_zone_excludes_the_whole_zone()
    {
        var nodes = ThreeNodesInTwoZones((0, Web("w1")));
        var pod = Web("w2").WithAntiAffinity(Build.Term("app", "web", "topology.kubernetes.io/zone"));
        Assert.Equal("c", _algorithm.Schedule(pod, nodes).NodeName);
    }

    [Fact]
    public void Required_affinity_follows_a_matching_pod_into_its_zone()
    {
        var nodes = ThreeNodesInTwoZones((2, Build.Pod("db").Labeled("app", "db")));
        var pod = Web("w").WithAffinity(Build.Term("app", "db", "topology.kubernetes.io/zone"));
        Assert.Equal("c", _algorithm.Schedule(pod, nodes).NodeName);
    }

    [Fact]
    public void Required_affinity_with_no_matching_pod_fails_unresolvably()
    {
        var nodes = ThreeNodesInTwoZones((0, Web("w1")));
        var result = _algorithm.Schedule(Web("w").WithAffinity(Build.Term("app", "db")), nodes);
        Assert.Equal(
            "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            result.FailureMessage);
    }

    [Fact]
    public void The_first_pod_of_a_group_with_affinity_to_itself_may_schedule()
    {
        var nodes = ThreeNodesInTwoZones();
        Assert.NotNull(_algorithm.Schedule(Web("w1").WithAffinity(Build.Term("app", "web")), nodes).NodeName);
    }

    [Fact]
    public void The_first_pod_exception_needs_the_topology_label_on_the_node()
    {
        var nodes = ThreeNodesInTwoZones();
        var result = _algorithm.Schedule(Web("w1").WithAffinity(Build.Term("app", "web", "rack")), nodes);
        Assert.StartsWith("0/3 nodes are available: 3 node(s) didn't match pod affinity rules.", result.FailureMessage);
    }

    [Fact]
    public void Once_a_group_member_runs_the_self_affine_pods_follow_it()
    {
        var nodes = ThreeNodesInTwoZones((2, Web("w1")));
        Assert.Equal("c", _algorithm.Schedule(Web("w2").WithAffinity(Build.Term("app", "web")), nodes).NodeName);
    }

    [Fact]
    public void An_existing_pods_anti_affinity_forbids_the_incoming_pod_from_its_topology_domain()
    {
        var guard = Build.Pod("guard").Labeled("app", "db").WithAntiAffinity(Build.Term("app", "web", "topology.kubernetes.io/zone"));
        var nodes = ThreeNodesInTwoZones((0, guard));
        Assert.Equal("c", _algorithm.Schedule(Web("w"), nodes).NodeName);
        var state = new InterPodAffinity().PreFilter(Web("w"), nodes)!;
        Assert.Equal(["node(s) didn't satisfy existing pods anti-affinity rules"], state.Filter(nodes[1]).Reasons);
        Assert.Equal(FilterCode.Unschedulable, state.Filter(nodes[1]).Code);
    }

    [Fact]
    public void A_term_without_namespaces_or_selector_means_the_pods_own_namespace()
    {
        var nodes = ThreeNodesInTwoZones((0, Web("other-ns", ns: "shop")));
        var state = new InterPodAffinity().PreFilter(Web("w").WithAntiAffinity(Build.Term("app", "web")), nodes)!;
        Assert.True(state.Filter(nodes[0]).IsSuccess);
    }

    [Fact]
    public void Listed_namespaces_are_the_ones_that_count()
    {
        var nodes = ThreeNodesInTwoZones((0, Web("other-ns", ns: "shop")));
        var term = Build.Term("app", "web");
        term.Namespaces = ["shop"];
        var state = new InterPodAffinity().PreFilter(Web("w").WithAntiAffinity(term), nodes)!;
        Assert.False(state.Filter(nodes[0]).IsSuccess);
        Assert.True(state.Filter(nodes[1]).IsSuccess);
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("ops", false)]
    [InlineData(null, true)]
    public void A_namespaceSelector_matches_namespaces_by_their_labels_and_an_empty_one_matches_all(string? team, bool excluded)
    {
        var nodes = ThreeNodesInTwoZones((0, Web("other-ns", ns: "shop")));
        var term = Build.Term("app", "web");
        term.NamespaceSelector = team is null ? new LabelSelector() : new LabelSelector { MatchLabels = new() { ["team"] = team } };
        var plugin = new InterPodAffinity(name => NamespaceLabelsByName.GetValueOrDefault(name));
        var state = plugin.PreFilter(Web("w").WithAntiAffinity(term), nodes)!;
        Assert.Equal(excluded, !state.Filter(nodes[0]).IsSuccess);
    }

    [Fact]
    public void An_existing_pods_term_with_a_namespaceSelector_is_judged_by_the_incoming_pods_namespace_labels()
    {
        var term = Build.Term("app", "web");
        term.NamespaceSelector = new LabelSelector { MatchLabels = new() { ["team"] = "web" } };
        var guard = Build.Pod("guard", ns: "tools").WithAntiAffinity(term);
        var nodes = ThreeNodesInTwoZones((0, guard));
        var plugin = new InterPodAffinity(name => NamespaceLabelsByName.GetValueOrDefault(name));
        Assert.False(plugin.PreFilter(Web("w", ns: "shop"), nodes)!.Filter(nodes[0]).IsSuccess);
        Assert.True(plugin.PreFilter(Web("w", ns: "default"), nodes)!.Filter(nodes[0]).IsSuccess);
    }

    [Fact]
    public void A_pod_without_terms_in_a_cluster_without_required_anti_affinity_is_not_checked()
    {
        var nodes = ThreeNodesInTwoZones((0, Web("w1")));
        Assert.Null(new InterPodAffinity().PreFilter(Web("w2"), nodes));
    }

    [Fact]
    public void Preemption_dry_run_takes_lower_priority_pods_out_of_the_counts()
    {
        var low = Web("low");
        var pod = Web("high").WithAntiAffinity(Build.Term("app", "web"));
        pod.Spec!.Priority = 100;
        var result = _algorithm.Schedule(pod, [Build.Info(Build.Node("a"), low)]);
        // Evicting the low-priority replica would make room, so no preemption verdict is appended.
        Assert.Equal("0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.", result.FailureMessage);
    }

    [Fact]
    public void Preferred_affinity_scores_the_matching_topology_highest()
    {
        var nodes = ThreeNodesInTwoZones((2, Build.Pod("cache").Labeled("app", "cache")));
        var pod = Web("w").Preferring(50, Build.Term("app", "cache", "topology.kubernetes.io/zone"));
        Assert.Equal([0L, 0L, 100L], new InterPodAffinity().Score(pod, nodes, nodes));
        Assert.Equal("c", _algorithm.Schedule(pod, nodes).NodeName);
    }

    [Fact]
    public void Preferred_anti_affinity_weights_count_against_a_node_and_scores_are_scaled_between_min_and_max()
    {
        var nodes = ThreeNodesInTwoZones((0, Web("w1")), (0, Build.Pod("cache").Labeled("app", "cache")), (1, Web("w2")));
        var pod = Web("w3")
            .Preferring(30, Build.Term("app", "web"), anti: true)
            .Preferring(10, Build.Term("app", "cache"));
        // a: -30 + 10 = -20, b: -30, c: 0 → scaled to 33, 0, 100.
        Assert.Equal([33L, 0L, 100L], new InterPodAffinity().Score(pod, nodes, nodes));
    }

    [Fact]
    public void Existing_pods_preferences_and_required_affinity_count_for_the_incoming_pod()
    {
        var likesWeb = Build.Pod("fan").Preferring(20, Build.Term("app", "web"));
        var needsWeb = Build.Pod("needy").WithAffinity(Build.Term("app", "web"));
        var avoidsWeb = Build.Pod("shy").Preferring(40, Build.Term("app", "web"), anti: true);
        var nodes = ThreeNodesInTwoZones((0, likesWeb), (1, needsWeb), (2, avoidsWeb));
        // a: +20, b: +1 (hard affinity weight), c: -40.
        Assert.Equal([100L, 68L, 0L], new InterPodAffinity().Score(Web("w"), nodes, nodes));
    }

    [Fact]
    public void Scores_are_zero_everywhere_when_nothing_matches()
    {
        var nodes = ThreeNodesInTwoZones();
        Assert.Equal([0L, 0L, 0L], new InterPodAffinity().Score(Web("w").Preferring(10, Build.Term("app", "db")), nodes, nodes));
    }
}
