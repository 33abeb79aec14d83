using System.Diagnostics;

namespace Axolotl.Proxy.Network;

/// <summary>Runs iproute2 with a batch of commands on stdin: one process for many address changes.</summary>
internal static class IpCommand
{
    /// <summary>Runs the batch; returns iproute2's exit code and stderr (with -force it carries on past failures).</summary>
    public static async Task<(int ExitCode, string Errors)> BatchAsync(IReadOnlyCollection<string> commands, bool force, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (force)
        {
            psi.ArgumentList.Add("-force");
        }
        psi.ArgumentList.Add("-batch");
        psi.ArgumentList.Add("-");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ip");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        foreach (var command in commands)
        {
            await process.StandardInput.WriteLineAsync(command.AsMemory(), ct);
        }
        process.StandardInput.Close();
        await process.WaitForExitAsync(ct);
        await stdout;
        return (process.ExitCode, (await stderr).Trim());
    }

    /// <summary>Runs one ip command with arguments; returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ip");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, (await stderr).Trim());
    }

    public static bool LinkExists(string name) => Directory.Exists(Path.Combine("/sys/class/net", name));
}
