using System.Diagnostics;
using System.Text.Json;

namespace Axolotl.Bench.Reporting;

/// <summary>Reads what build is being measured: the repo's commit and the server's configured GC mode.</summary>
internal static class BuildDescription
{
    public static async Task<BuildInfo> ReadAsync(string serverBinary, string? repoRoot, IReadOnlyDictionary<string, string> serverEnvironment)
    {
        string? commit = null;
        bool? dirty = null;
        if (repoRoot is not null)
        {
            commit = (await GitAsync(repoRoot, "rev-parse", "--short=12", "HEAD"))?.Trim();
            var status = await GitAsync(repoRoot, "status", "--porcelain", "--untracked-files=no", "--", "src");
            dirty = status is null ? null : status.Trim().Length > 0;
        }
        return new BuildInfo(commit, dirty, serverBinary, ServerGc(serverBinary), serverEnvironment);
    }

    /// <summary>"server" or "workstation" when the runtimeconfig says so (it decides much of the RSS), else null.</summary>
    private static string? ServerGc(string serverBinary)
    {
        var config = Path.ChangeExtension(serverBinary, null) + ".runtimeconfig.json";
        if (!File.Exists(config))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        if (doc.RootElement.TryGetProperty("runtimeOptions", out var runtime)
            && runtime.TryGetProperty("configProperties", out var properties))
        {
            var server = properties.TryGetProperty("System.GC.Server", out var s) && s.ValueKind == JsonValueKind.True;
            var concurrent = !properties.TryGetProperty("System.GC.Concurrent", out var c) || c.ValueKind != JsonValueKind.False;
            var conserve = properties.TryGetProperty("System.GC.ConserveMemory", out var m) ? $", ConserveMemory={m}" : "";
            return $"{(server ? "server" : "workstation")}{(concurrent ? ", concurrent" : "")}{conserve}";
        }
        return null;
    }

    private static async Task<string?> GitAsync(string repo, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-C");
            psi.ArgumentList.Add(repo);
            foreach (var arg in args)
            {
                psi.ArgumentList.Add(arg);
            }
            using var process = Process.Start(psi);
            if (process is null)
            {
                return null;
            }
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
