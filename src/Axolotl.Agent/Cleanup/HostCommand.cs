using System.Diagnostics;

namespace Axolotl.Agent.Cleanup;

/// <summary>
/// Runs ip and nft for a cleanup with a clean environment (a fixed PATH, the C locale, nothing of the
/// caller's: no LD_PRELOAD, no IFS, no alias of a tool) and never through a shell. A tool that is not
/// installed reads as a failure, not an exception: a host without nft has no table to remove.
/// </summary>
internal static class HostCommand
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(ToolPath(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        psi.Environment["LC_ALL"] = "C";
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, "", $"cannot run {tool}: {e.Message}");
        }
        using var started = process;
        var errors = process.StandardError.ReadToEndAsync(ct);
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, output, await errors);
    }

    /// <summary>The tool from the system's directories, never from a PATH the caller set.</summary>
    private static string ToolPath(string tool) =>
        new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) ?? tool;
}
