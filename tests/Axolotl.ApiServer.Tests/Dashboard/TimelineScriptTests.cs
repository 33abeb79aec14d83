using System.Diagnostics;

namespace Axolotl.ApiServer.Tests.Dashboard;

/// <summary>
/// The healing timeline's derivation is TypeScript (src/Axolotl.Dashboard/src/timeline.ts); its unit
/// tests (test/*.test.ts, node:test: the timeline and the relist) run here so that the suite runs them. The API server's
/// build has already run `npm ci` in that folder.
/// </summary>
public sealed class TimelineScriptTests
{
    [Fact]
    public async Task The_timeline_derivation_passes_its_node_tests()
    {
        var dashboard = Path.Combine(RepoRoot(), "src", "Axolotl.Dashboard");
        var psi = new ProcessStartInfo("npm", ["test", "--silent"])
        {
            WorkingDirectory = dashboard,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("# fail 0", output);
        Assert.Matches(@"# pass [1-9]\d*", output);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Axolotl.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Axolotl.slnx not found above " + AppContext.BaseDirectory);
    }
}
