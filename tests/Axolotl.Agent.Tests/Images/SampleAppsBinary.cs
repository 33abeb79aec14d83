namespace Axolotl.Agent.Tests.Images;

/// <summary>
/// Finds the built axolotl-sampleapps for process tests: $AXOLOTL_SAMPLEAPPS, next to the test
/// assembly (when the test project references SampleApps), the sibling output of an
/// --artifacts-path build, or the source tree's bin folder.
/// </summary>
internal static class SampleAppsBinary
{
    private const string ExecutableName = "axolotl-sampleapps";

    public static IReadOnlyList<string> Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AXOLOTL_SAMPLEAPPS");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return FromPath(Path.GetFullPath(fromEnv));
        }

        var baseDir = AppContext.BaseDirectory.TrimEnd('/');
        var candidates = new List<string> { baseDir };

        // --artifacts-path layout: <art>/bin/Axolotl.Agent.Tests/<config> → <art>/bin/Axolotl.SampleApps/<config>.
        var config = Path.GetFileName(baseDir);
        var binRoot = Path.GetDirectoryName(Path.GetDirectoryName(baseDir));
        if (binRoot is not null)
        {
            candidates.Add(Path.Combine(binRoot, "Axolotl.SampleApps", config));
        }

        // Classic layout: tests/Axolotl.Agent.Tests/bin/<Config>/<tfm> → src/Axolotl.SampleApps/bin/<Config>/<tfm>.
        for (var dir = new DirectoryInfo(baseDir); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Axolotl.slnx")))
            {
                var tfm = Path.GetFileName(baseDir);
                var cfg = Path.GetFileName(Path.GetDirectoryName(baseDir)) ?? "Debug";
                candidates.Add(Path.Combine(dir.FullName, "src", "Axolotl.SampleApps", "bin", cfg, tfm));
                break;
            }
        }

        foreach (var candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, ExecutableName)))
            {
                return [Path.Combine(candidate, ExecutableName)];
            }

            if (File.Exists(Path.Combine(candidate, ExecutableName + ".dll")))
            {
                return FromPath(Path.Combine(candidate, ExecutableName + ".dll"));
            }
        }

        throw new InvalidOperationException(
            "axolotl-sampleapps is not built; looked in: " + string.Join(", ", candidates) +
            ". Build src/Axolotl.SampleApps (or the solution) first, or set AXOLOTL_SAMPLEAPPS.");
    }

    /// <summary>The apphost runs as is; a framework-dependent dll runs through the dotnet host.</summary>
    private static IReadOnlyList<string> FromPath(string path) =>
        path.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", path] : [path];
}
