using System.Diagnostics;

namespace Axolotl.Hosting.HostTools;

/// <summary>
/// Runs iproute2 (ip, bridge) and nft the way the node and the service proxy change the host's network: a batch
/// of commands on standard input, one process for many changes.
/// </summary>
public static class IpCommand
{
    /// <summary>Runs an ip batch (in <paramref name="netns"/> when given); a failure throws unless <paramref name="force"/> carries on past it.</summary>
    public static async Task BatchAsync(IEnumerable<string> commands, string? netns, bool force, CancellationToken ct)
    {
        var (exitCode, errors) = await TryBatchAsync(commands, netns, force, ct);
        if (exitCode != 0 && !force)
        {
            throw new InvalidOperationException($"ip -batch failed ({exitCode}): {errors}");
        }
    }

    /// <summary>Runs an ip batch and returns its exit code and trimmed standard error (with -force it carries on past failures).</summary>
    public static async Task<(int ExitCode, string Errors)> TryBatchAsync(IEnumerable<string> commands, string? netns, bool force, CancellationToken ct)
    {
        List<string> args = netns is null ? [] : ["-n", netns];
        if (force)
        {
            args.Add("-force");
        }
        var (exitCode, errors) = await FeedAsync("ip", [.. args, "-batch", "-"], commands, ct);
        return (exitCode, errors.Trim());
    }

    public static Task RunAsync(string command, CancellationToken ct) => BatchAsync([command], null, false, ct);

    /// <summary>Runs <paramref name="tool"/> with <paramref name="lines"/> on its standard input; returns its exit code and standard error.</summary>
    public static async Task<(int ExitCode, string Errors)> FeedAsync(string tool, IEnumerable<string> args, IEnumerable<string> lines, CancellationToken ct)
    {
        using var process = Start(tool, args, input: true);
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

    /// <summary>Runs <paramref name="tool"/> with <paramref name="args"/>; returns its exit code, standard output and trimmed standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> CaptureAsync(string tool, IEnumerable<string> args, CancellationToken ct)
    {
        using var process = Start(tool, args, input: false);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, (await stderr).Trim());
    }

    /// <summary>Runs <paramref name="tool"/> (ip, bridge) with <paramref name="args"/> and returns its standard output.</summary>
    public static async Task<string> OutputAsync(string tool, IEnumerable<string> args, CancellationToken ct) =>
        (await CaptureAsync(tool, args, ct)).Output;

    /// <summary>The interface holding <paramref name="address"/> ("ip -o -4 addr show to ADDR/32": "2: eth0    inet 192.168.77.2/24 ..."), or null.</summary>
    public static async Task<string?> InterfaceWithAsync(string address, CancellationToken ct)
    {
        var words = (await OutputAsync("ip", ["-o", "-4", "addr", "show", "to", address + "/32"], ct)).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 1 ? words[1].TrimEnd(':').Split('@')[0] : null;
    }

    /// <summary>Runs `bridge -batch -` (-force: one bad line must not stop the others).</summary>
    public static Task BridgeBatchAsync(IEnumerable<string> commands, CancellationToken ct) => FeedAsync("bridge", ["-force", "-batch", "-"], commands, ct);

    public static bool LinkExists(string name) => Directory.Exists(Path.Combine("/sys/class/net", name));

    private static Process Start(string tool, IEnumerable<string> args, bool input)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = input,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        try
        {
            return Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run {tool} ({e.Message}): is it installed?", e);
        }
    }
}
