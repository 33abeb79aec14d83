using System.Diagnostics;

namespace Axolotl.Agent.Network;

/// <summary>Runs iproute2 with a batch of commands on stdin (one process for many changes).</summary>
internal static class IpCommand
{
    public static async Task BatchAsync(IEnumerable<string> commands, string? netns, bool force, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (netns is not null)
        {
            psi.ArgumentList.Add("-n");
            psi.ArgumentList.Add(netns);
        }

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
        var errors = await stderr;
        if (process.ExitCode != 0 && !force)
        {
            throw new InvalidOperationException($"ip -batch failed ({process.ExitCode}): {errors.Trim()}");
        }
    }

    public static Task RunAsync(string command, CancellationToken ct) => BatchAsync([command], null, false, ct);

    public static bool LinkExists(string name) => Directory.Exists(Path.Combine("/sys/class/net", name));
}
