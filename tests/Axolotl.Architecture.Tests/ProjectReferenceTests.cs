using System.Xml.Linq;

namespace Axolotl.Architecture.Tests;

/// <summary>The dependency rules of docs/architecture.md §2, read from each project file.</summary>
public sealed class ProjectReferenceTests
{
    /// <summary>What each product project may reference; the executable composes everything.</summary>
    private static readonly Dictionary<string, string[]> MayReference = new(StringComparer.Ordinal)
    {
        ["Axolotl.Api"] = [],
        ["Axolotl.Hosting"] = [],
        ["Axolotl.Cel"] = [],
        ["Axolotl.Storage"] = ["Axolotl.Api", "Axolotl.Hosting"],
        ["Axolotl.ApiServer"] = ["Axolotl.Api", "Axolotl.Storage", "Axolotl.Hosting", "Axolotl.Cel"],
        ["Axolotl.Client"] = ["Axolotl.Api", "Axolotl.Hosting"],
        ["Axolotl.Controllers"] = ["Axolotl.Api", "Axolotl.Client", "Axolotl.Hosting"],
        ["Axolotl.Scheduler"] = ["Axolotl.Api", "Axolotl.Client", "Axolotl.Hosting"],
        ["Axolotl.Runtime"] = ["Axolotl.Api", "Axolotl.Hosting"],
        ["Axolotl.Images"] = ["Axolotl.Api", "Axolotl.Hosting"],
        ["Axolotl.Agent"] = ["Axolotl.Api", "Axolotl.Client", "Axolotl.Hosting", "Axolotl.Runtime", "Axolotl.Images"],
        ["Axolotl.Proxy"] = ["Axolotl.Api", "Axolotl.Client", "Axolotl.Hosting"],
        ["Axolotl.SampleApps"] = [],
        ["Axolotl.SeedImages"] = ["Axolotl.Images", "Axolotl.Api"],
    };

    public static TheoryData<string> Projects() => new(SourceTree.Projects().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_project_references_only_what_the_architecture_allows(string project)
    {
        var references = References(project);
        if (project == "Axolotl")
        {
            return; // the executable: composition may reference every project
        }

        Assert.True(MayReference.ContainsKey(project), $"{project} is not in docs/architecture.md §2's table (nor in this test's)");
        var forbidden = references.Except(MayReference[project], StringComparer.Ordinal).ToList();
        Assert.True(forbidden.Count == 0, $"{project} references {string.Join(", ", forbidden)}; it may reference only {string.Join(", ", MayReference[project])}");
    }

    [Fact]
    public void Nothing_references_the_executable()
    {
        var referrers = SourceTree.Projects().Select(Path.GetFileName).Where(p => References(p!).Contains("Axolotl")).ToList();

        Assert.Empty(referrers);
    }

    private static List<string> References(string project)
    {
        var file = Path.Combine(SourceTree.Src, project, project + ".csproj");
        return XDocument.Load(file).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .ToList();
    }
}
