using System.Diagnostics;
using System.Globalization;
using System.Text;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// Processes of one private peer instance. Everything the benchmark starts for a peer carries an
/// environment variable with a token of its own, which every descendant inherits (supervisord, PM2
/// and runsv all pass their environment on), so the instance's processes are found in /proc by that
/// token and stopped one by one by PID, however they were forked, and nothing else is ever touched.
/// </summary>
internal static class PeerProcesses
{
    public const string TokenVariable = "AXOLOTL_BENCH_PEER";

    /// <summary>Starts <paramref name="file"/> with its stdout and stderr appended to <paramref name="log"/>; returns its PID.</summary>
    public static int Start(string file, IReadOnlyList<string> arguments, string token, string workingDirectory, string log,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        // sh redirects and execs, so the PID is the peer's own and no pipe to this process is kept open.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var a in (string[])["-c", "exec \"$@\" >>\"$LOG\" 2>&1", "sh", file, .. arguments])
        {
            info.ArgumentList.Add(a);
        }
        info.Environment[TokenVariable] = token;
        info.Environment["LOG"] = log;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        return process.Id;
    }

    /// <summary>Runs a command to its end (a control client such as supervisorctl or pm2) and returns its standard output; throws on a non-zero exit, with the end of its output in the message.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> arguments, string token, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment[TokenVariable] = token;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} took over {timeout.TotalSeconds:F0} s");
        }
        var (output, errors) = (await stdout, await stderr);
        return process.ExitCode == 0 ? output
            : throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited {process.ExitCode}: {Tail(output + "\n" + errors)}");
    }

    /// <summary>PIDs of the live processes carrying <paramref name="token"/>, with their command names.</summary>
    public static IReadOnlyList<(int Pid, string Comm)> Find(string token)
    {
        var needle = Encoding.ASCII.GetBytes($"{TokenVariable}={token}\0");
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (environ.AsSpan().IndexOf(needle) >= 0 && Comm(pid) is { } comm)
                {
                    found.Add((pid, comm));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited while being read.
            }
        }
        return found;
    }

    /// <summary>How many live processes of the instance have the command name <paramref name="comm"/>.</summary>
    public static int Count(string token, string comm) => Find(token).Count(p => p.Comm == comm);

    /// <summary>SIGTERM to <paramref name="pid"/>, up to <paramref name="grace"/> for it to go, then SIGKILL; then SIGKILL to whatever still carries the token.</summary>
    public static async Task StopAsync(int? pid, string token, TimeSpan grace)
    {
        if (pid is { } main && Alive(main))
        {
            Infrastructure.Signals.Terminate(main);
            var waited = Stopwatch.StartNew();
            while (Alive(main) && waited.Elapsed < grace)
            {
                await Task.Delay(50);
            }
        }
        for (var round = 0; round < 3 && Find(token) is { Count: > 0 } left; round++)
        {
            foreach (var (leftover, _) in left)
            {
                try
                {
                    using var process = Process.GetProcessById(leftover);
                    process.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Already gone.
                }
            }
            await Task.Delay(100);
        }
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>VmRSS and PSS (smaps_rollup) in kB, or null once the process has gone.</summary>
    public static (long RssKb, long PssKb)? Memory(int pid)
    {
        try
        {
            var rss = MachineInfo.ParseKilobytes(MachineInfo.ProcLine($"/proc/{pid}/status", "VmRSS"));
            var pss = MachineInfo.ParseKilobytes(MachineInfo.ProcLine($"/proc/{pid}/smaps_rollup", "Pss"));
            return rss is { } r && pss is { } p ? (r, p) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking every <paramref name="interval"/> (20 ms unless given); false after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct, TimeSpan? interval = null)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > timeout)
            {
                return false;
            }
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20), ct);
        }
        return true;
    }

    /// <summary>The last few lines of a command's or a log's output, for an error message.</summary>
    public static string Tail(string text) => string.Join(" / ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
