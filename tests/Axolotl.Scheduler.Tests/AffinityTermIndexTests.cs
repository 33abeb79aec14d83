using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Tests;

public sealed class AffinityTermIndexTests
{
    private static PodAffinityTerm Expression(string key, string op, params string[] values) => new()
    {
        LabelSelector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = key, Operator = op, Values = [.. values] }] },
        TopologyKey = "kubernetes.io/hostname",
    };

    [Theory]
    [InlineData("a", "web")]
    [InlineData("b", "db")]
    [InlineData("c", "web")]
    [InlineData(null, null)]
    public void Terms_that_may_match_hold_each_term_that_selects_the_pod_once(string? group, string? app)
    {
        var info = Build.Info(Build.Node("n"),
            Build.Pod("required").WithAntiAffinity(Build.Term("group", "a")).WithAffinity(Expression("group", "In", "a", "b")),
            Build.Pod("preferred").Preferring(3, Expression("app", "NotIn", "cache")).Preferring(2, Build.Term("app", "web"), anti: true),
            Build.Pod("exists").WithAntiAffinity(Expression("group", "Exists")),
            Build.Pod("nothing").WithAffinity(new PodAffinityTerm { TopologyKey = "kubernetes.io/hostname" }),
            Build.Pod("plain"));
        var incoming = Build.Pod("incoming");
        if (group is not null)
        {
            incoming.Labeled("group", group).Labeled("app", app!);
        }
        _ = info.AffinityTermsThatMayMatch(incoming).ToList(); // builds the index
        // A pod counted after the index was built has its terms found as well.
        info.AddPod(Build.Pod("late").Preferring(1, Build.Term("group", group ?? "a", "topology.kubernetes.io/zone")));

        var found = info.AffinityTermsThatMayMatch(incoming).ToList();
        var selecting = info.PodsWithAffinity
            .SelectMany(p => p.RequiredAffinityTerms.Concat(p.RequiredAntiAffinityTerms).Concat(p.PreferredAffinityTerms).Concat(p.PreferredAntiAffinityTerms))
            .Where(t => t.Selector.Matches(incoming.Metadata.Labels))
            .ToList();

        Assert.Equal(found.Count, found.Select(f => f.Term).Distinct().Count());
        Assert.All(selecting, t => Assert.Contains(t, found.Select(f => f.Term)));
        Assert.DoesNotContain(found, f => f.Term.Selector.MatchesNothing);
    }

    [Fact]
    public void Each_term_keeps_the_list_it_came_from()
    {
        var info = Build.Info(Build.Node("n"),
            Build.Pod("p").WithAffinity(Build.Term("app", "web")).WithAntiAffinity(Build.Term("app", "web"))
                .Preferring(1, Build.Term("app", "web")).Preferring(1, Build.Term("app", "web"), anti: true));
        var kinds = info.AffinityTermsThatMayMatch(Build.Pod("w").Labeled("app", "web")).Select(t => t.Kind).Order().ToList();
        Assert.Equal([AffinityTermKind.RequiredAffinity, AffinityTermKind.RequiredAntiAffinity, AffinityTermKind.PreferredAffinity, AffinityTermKind.PreferredAntiAffinity], kinds);
    }
}
