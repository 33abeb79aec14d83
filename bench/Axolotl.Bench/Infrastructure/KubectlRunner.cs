using System.Diagnostics;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// Runs the real kubectl against one server with a private HOME and --cache-dir, timing the whole
/// process from spawn to exit with its output drained (what a user waits for at a terminal).
/// </summary>
internal sealed class KubectlRunner(string binary, string kubeconfig, string workDir)
{
    public const string DefaultBinary = "/usr/bin/kubectl";

    private readonly string _cacheDir = Path.Combine(workDir, "kube-cache");

    public async Task<KubectlRun> RunAsync(IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
            Environment = { ["KUBECONFIG"] = kubeconfig, ["HOME"] = workDir },
        };
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(_cacheDir);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        var cpuBefore = ChildCpu.Milliseconds();
        var start = Stopwatch.GetTimestamp();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {binary}");
        var stdout = CountLinesAsync(process.StandardOutput);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            var (lines, head) = await stdout;
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            return new KubectlRun(process.ExitCode, elapsed, ChildCpu.Milliseconds() - cpuBefore, lines, head, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Counts lines without keeping 10,000 rows in memory; keeps the first line (the header) for checks.</summary>
    private static async Task<(int Lines, string? First)> CountLinesAsync(StreamReader reader)
    {
        var count = 0;
        string? first = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            first ??= line;
            count++;
        }
        return (count, first);
    }

    /// <summary>`kubectl version --client` for the report.</summary>
    public static async Task<string> ClientVersionAsync(string binary)
    {
        try
        {
            var psi = new ProcessStartInfo(binary, ["version", "--client"]) { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(psi);
            if (process is null)
            {
                return "kubectl: cannot start";
            }
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "kubectl: no version";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"kubectl: {binary} not found";
        }
    }
}

/// <summary>One kubectl process: exit code, wall time, its own CPU time, lines printed, the first line, and stderr.</summary>
internal sealed record KubectlRun(int ExitCode, double Milliseconds, double CpuMilliseconds, int Lines, string? FirstLine, string Stderr);
