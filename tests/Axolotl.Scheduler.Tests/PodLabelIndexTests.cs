using Axolotl.Api.Core;
using Axolotl.Api.Selectors;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Tests;

public sealed class PodLabelIndexTests
{
    private const string Zone = "topology.kubernetes.io/zone";

    private static readonly Dictionary<string, Dictionary<string, string>> NamespaceLabelsByName = new()
    {
        ["default"] = new() { ["team"] = "core" },
        ["shop"] = new() { ["team"] = "web" },
    };

    [Theory]
    [InlineData("group=a")]
    [InlineData("group in (a,b)")]
    [InlineData("group in (a,b),app=web")]
    [InlineData("app=web,group=zz")]
    [InlineData("group notin (a)")]
    [InlineData("group")]
    [InlineData("!group")]
    [InlineData("")]
    public void Pods_that_may_match_hold_each_pod_the_selector_matches_once(string text)
    {
        var selector = ParsedLabelSelector.Parse(text);
        var info = Build.Info(Build.Node("n"),
            Build.Pod("p1").Labeled("group", "a").Labeled("app", "web"),
            Build.Pod("p2").Labeled("group", "b"),
            Build.Pod("p3").Labeled("app", "web"),
            Build.Pod("p4"));
        _ = info.PodsThatMayMatch(selector); // builds the index
        // A pod counted after the index was built is found as well.
        var late = Build.Pod("p5").Labeled("group", "a").Labeled("app", "web");
        info.AddPod(late);
        var candidates = info.PodsThatMayMatch(selector);

        Assert.Equal(candidates.Count, candidates.Distinct().Count());
        Assert.All(info.Pods.Where(p => selector.Matches(p.Metadata.Labels)), p => Assert.Contains(p, candidates));
    }

    [Fact]
    public void A_selector_that_matches_nothing_has_no_candidates()
    {
        var info = Build.Info(Build.Node("n"), Build.Pod("p1").Labeled("group", "a"));
        Assert.Empty(info.PodsThatMayMatch(ParsedLabelSelector.Nothing));
    }

    /// <summary>
    /// Sixty pods of every constrained shape (required anti-affinity and affinity, preferred terms with a NotIn selector
    /// and a namespaceSelector, hard and soft spread with matchLabelKeys), each counted on its node for the next, land
    /// where they did before the scheduler matched terms through the node's label index (recorded from that code).
    /// </summary>
    [Fact]
    public void Constrained_pods_land_where_they_did_before_the_label_index()
    {
        var algorithm = SchedulingAlgorithm.CreateDefault(namespaceLabels: name => NamespaceLabelsByName.GetValueOrDefault(name));
        var nodes = Enumerable.Range(0, 12).Select(i =>
        {
            var node = Build.Node($"n{i:D2}", cpu: "8", memory: "16Gi");
            return Build.Info(i == 11 ? node : node.Labeled(Zone, $"z{i % 3}"), [.. Enumerable.Range(0, 3).Select(j => Background(i, j))]);
        }).ToList();
        var placed = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var pod = Pending(i);
            var chosen = algorithm.Schedule(pod, nodes).NodeName;
            placed.Add(chosen ?? "-");
            if (chosen is not null)
            {
                pod.Spec!.NodeName = chosen;
                nodes.Single(n => n.Name == chosen).AddPod(pod);
            }
        }
        Assert.Equal(ExpectedPlacement, string.Join(' ', placed));
    }

    private const string ExpectedPlacement =
        "n00 n01 n07 n02 n01 n04 n10 n03 n07 n04 n10 n06 n09 n01 n04 n00 n01 n10 n07 n03 n07 n05 n10 n06 n03 n01 n04 n04 n01 n10 n04 n09 n07 n08 n10 n00 n06 n01 n04 n09 n01 n10 n01 n00 n07 n07 n03 n06 n04 n10 n01 n09 n00 n10 n03 n06 n04 n02 n09 n00";

    private static Pod Background(int node, int j)
    {
        var pod = Build.Pod($"bg-{node}-{j}", cpu: "100m", ns: (node + j) % 2 == 0 ? "default" : "shop")
            .Labeled("app", ((node + j) % 3) switch { 0 => "web", 1 => "db", _ => "cache" })
            .Labeled("group", $"g{(node + j) % 4}");
        if (node % 5 == 0 && j == 0)
        {
            pod.Metadata.DeletionTimestamp = DateTimeOffset.UnixEpoch; // terminating: spread does not count it
        }
        return pod;
    }

    private static Pod Pending(int i)
    {
        var group = $"g{i % 4}";
        var pod = Build.Pod($"p{i:D2}", cpu: "100m", ns: i % 3 == 0 ? "shop" : "default").Labeled("app", i % 2 == 0 ? "web" : "db").Labeled("group", group);
        switch (i % 6)
        {
            case 0:
                pod.WithAntiAffinity(new PodAffinityTerm
                {
                    LabelSelector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "group", Operator = "In", Values = [group, "g9"] }] },
                    TopologyKey = "kubernetes.io/hostname",
                });
                break;
            case 1:
                // Both namespaces: the background pods matching both terms are in shop or default.
                var web = Build.Term("app", "web", Zone);
                var sameGroup = Build.Term("group", group, Zone);
                web.Namespaces = sameGroup.Namespaces = ["default", "shop"];
                pod.WithAffinity(web, sameGroup);
                break;
            case 2:
                pod.Preferring(5, Build.Term("group", group, Zone))
                    .Preferring(3, new PodAffinityTerm
                    {
                        LabelSelector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "app", Operator = "NotIn", Values = ["cache"] }] },
                        TopologyKey = "kubernetes.io/hostname",
                    }, anti: true)
                    .Preferring(2, new PodAffinityTerm
                    {
                        LabelSelector = new LabelSelector { MatchLabels = new() { ["app"] = "db" } },
                        NamespaceSelector = new LabelSelector { MatchLabels = new() { ["team"] = "web" } },
                        TopologyKey = Zone,
                    });
                break;
            case 3:
                pod.Spec!.TopologySpreadConstraints =
                [
                    new TopologySpreadConstraint
                    {
                        MaxSkew = 1, TopologyKey = Zone, WhenUnsatisfiable = "DoNotSchedule", MatchLabelKeys = ["app"],
                        LabelSelector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "group", Operator = "In", Values = ["g0", "g1", "g3"] }] },
                    },
                ];
                break;
            case 4:
                pod.Spec!.TopologySpreadConstraints =
                [
                    new TopologySpreadConstraint
                    {
                        MaxSkew = 1, TopologyKey = "kubernetes.io/hostname", WhenUnsatisfiable = "ScheduleAnyway",
                        LabelSelector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
                    },
                ];
                break;
        }
        return pod;
    }
}
