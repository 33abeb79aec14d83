namespace Axolotl.Architecture.Tests;

/// <summary>
/// No namespace inside a project may depend on itself through others: a cycle means the folders no
/// longer show which part builds on which. The cycles kept for now are listed in
/// <see cref="KeptCycles"/> with the ADR that says why; a kept cycle may shrink, never grow.
/// </summary>
public sealed class NamespaceCycleTests
{
    public static TheoryData<string> Projects() => new(SourceTree.Projects().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_project_has_no_namespace_cycle_beyond_the_kept_ones(string project)
    {
        var graph = NamespaceGraph.Read(Path.Combine(SourceTree.Src, project));
        var cycles = graph.Cycles();

        var unexplained = cycles.Where(c => !KeptCycles.Any(kept => c.All(kept.Namespaces.Contains))).ToList();

        Assert.True(unexplained.Count == 0, "namespace cycles (move the shared type down, or keep the cycle with an ADR):\n"
            + string.Join('\n', unexplained.Select(c => string.Join(" ⇄ ", c) + "\n" + Edges(graph, c))));
    }

    private static string Edges(NamespaceGraph graph, IReadOnlyList<string> cycle) =>
        string.Concat(cycle.SelectMany(from => graph.Uses(from).Where(cycle.Contains)
            .Select(to => $"  {from} → {to}: {graph.Evidence(from, to)}\n")));

    [Fact]
    public void The_graph_sees_a_cycle_through_a_parent_namespace()
    {
        var folder = Directory.CreateTempSubdirectory("axolotl-arch-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "Root.cs"), "using Demo.Child;\nnamespace Demo;\npublic sealed class Root { public Leaf? L; }\n");
            File.WriteAllText(Path.Combine(folder.FullName, "Leaf.cs"), "namespace Demo.Child;\npublic sealed class Leaf { public Root? R; }\n");
            File.WriteAllText(Path.Combine(folder.FullName, "Alone.cs"), "namespace Demo.Alone;\npublic sealed class Alone { }\n");

            var cycles = NamespaceGraph.Read(folder.FullName).Cycles();

            var cycle = Assert.Single(cycles);
            Assert.Equal(["Demo", "Demo.Child"], cycle);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
