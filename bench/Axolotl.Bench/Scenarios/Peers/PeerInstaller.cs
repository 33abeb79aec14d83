namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// Runs bench/peers/install-NAME, which installs the tool only when it is missing and prints the paths
/// of its binaries, one a line. A failure is a reason to report, never an error of the run.
/// </summary>
internal static class PeerInstaller
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    /// <summary>bench/peers under the repository (--repo), else the first one found above the working directory or the benchmark's binary.</summary>
    public static string? ScriptsDirectory(string? repoRoot)
    {
        IEnumerable<string?> starts = [repoRoot, Environment.CurrentDirectory, AppContext.BaseDirectory];
        foreach (var start in starts.OfType<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "peers");
                if (File.Exists(Path.Combine(candidate, "install-pm2")))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>The binaries' paths, or why the tool is not available.</summary>
    public static async Task<(IReadOnlyList<string>? Paths, string? Reason)> InstallAsync(string? scriptsDirectory, string script, CancellationToken ct)
    {
        if (scriptsDirectory is null)
        {
            return (null, "bench/peers (the install scripts) not found: pass --repo");
        }
        try
        {
            // The token only marks the processes; an installer starts none that outlive it.
            var output = await PeerProcesses.RunAsync("/bin/bash", [Path.Combine(scriptsDirectory, script)], "installer", Timeout, null, ct);
            var paths = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('/')).ToList();
            return paths.Count > 0 && paths.All(File.Exists) ? (paths, null) : (null, $"{script} printed no binary: {PeerProcesses.Tail(output)}");
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
        {
            return (null, e.Message);
        }
    }
}
