using System.Reflection;

namespace Axolotl.E2E.Tests.Harness;

public static class RepoPaths
{
    /// <summary>The repository root: the folder holding the ./axolotl script.</summary>
    public static string Root { get; } = FindRoot();

    public static string AxolotlScript => Path.Combine(Root, "axolotl");

    /// <summary>Searches above the test binary (built inside the repo), then the source location recorded
    /// at build time (built with --artifacts-path elsewhere), then above the working directory.</summary>
    private static string FindRoot()
    {
        var recorded = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        string?[] starts = [AppContext.BaseDirectory, recorded, Directory.GetCurrentDirectory()];
        foreach (var start in starts.OfType<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Axolotl.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("cannot find the repository root (Axolotl.slnx) above " + string.Join(", ", starts));
    }
}
