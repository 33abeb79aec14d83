using System.Diagnostics;

namespace Axolotl.Runtime.Network;

/// <summary>
/// Runs iproute2 with a batch of commands on stdin (one process for many changes). Public for the
/// agent's node routers (host-gw, VXLAN, egress), which change the node's links and routes the same way.
/// </summary>
public static class IpCommand
{
    public static async Task BatchAsync(IEnumerable<string> commands, string? netns, bool force, CancellationToken ct)
    {
        List<string> args = netns is null ? [] : ["-n", netns];
        if (force)
        {
            args.Add("-force");
        }
        var (exitCode, errors) = await FeedAsync("ip", [.. args, "-batch", "-"], commands, ct);
        if (exitCode != 0 && !force)
        {
            throw new InvalidOperationException($"ip -batch failed ({exitCode}): {errors.Trim()}");
        }
    }

    /// <summary>Runs <paramref name="tool"/> with <paramref name="lines"/> on its standard input; returns its exit code and standard error.</summary>
    public static async Task<(int ExitCode, string Errors)> FeedAsync(string tool, IEnumerable<string> args, IEnumerable<string> lines, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
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
            throw new InvalidOperationException($"cannot run {tool} ({e.Message}): is it installed?", e);
        }
        using var started = process;
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        foreach (var line in lines)
        {
            await process.StandardInput.WriteLineAsync(line.AsMemory(), ct);
        }
        process.StandardInput.Close();
        await process.WaitForExitAsync(ct);
        await stdout;
        return (process.ExitCode, await stderr);
    }

    public static Task RunAsync(string command, CancellationToken ct) => BatchAsync([command], null, false, ct);

    /// <summary>Runs <paramref name="tool"/> (ip, bridge) with <paramref name="args"/> and returns its standard output.</summary>
    public static async Task<string> OutputAsync(string tool, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var error = process.StandardError.ReadToEndAsync(ct);
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await error;
        await process.WaitForExitAsync(ct);
        return output;
    }

    /// <summary>The interface holding <paramref name="address"/> ("ip -o -4 addr show to ADDR/32": "2: eth0    inet 192.168.77.2/24 ..."), or null.</summary>
    public static async Task<string?> InterfaceWithAsync(string address, CancellationToken ct)
    {
        var words = (await OutputAsync("ip", ["-o", "-4", "addr", "show", "to", address + "/32"], ct)).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 1 ? words[1].TrimEnd(':').Split('@')[0] : null;
    }

    /// <summary>Runs `bridge -batch -` (-force: one bad line must not stop the others).</summary>
    public static Task BridgeBatchAsync(IEnumerable<string> commands, CancellationToken ct) => FeedAsync("bridge", ["-force", "-batch", "-"], commands, ct);

    public static bool LinkExists(string name) => Directory.Exists(Path.Combine("/sys/class/net", name));
}
