using System.Diagnostics;
using System.Globalization;
using System.Text;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Scale;

/// <summary>
/// One `axolotl agent --runtime fake --fake-nodes N` process (the binary under test) joined to a
/// server with its join token: N fake nodes named scale-0 … scale-(N-1), each with its own Node, Lease
/// and pod CIDR. Nothing on the host changes (no bridge, cgroups or processes per pod), so disposal
/// is SIGTERM (SIGKILL after 15 s) and removing its data dir.
/// </summary>
internal sealed class FakeNodesAgent : IAsyncDisposable
{
    public const string Prefix = "scale-";

    /// <summary>90 s, or 0.5 s per node for a larger run (a join costs the server tens of ms of CPU per node, more on a busy machine).</summary>
    private static TimeSpan JoinTimeout(int nodes) => TimeSpan.FromSeconds(Math.Max(90, nodes * 0.5));

    private readonly StringBuilder _log = new();
    private readonly Process _process;
    private readonly string _dataDir;
    private readonly StreamWriter? _logFile;

    private FakeNodesAgent(Process process, string dataDir, string? logPath)
    {
        _process = process;
        _dataDir = dataDir;
        _logFile = logPath is null ? null : new StreamWriter(logPath, append: true) { AutoFlush = true };
    }

    public int Pid => _process.Id;

    /// <summary>Its exit code once it has exited (a 100,000-pod run's agent stopped mid-load and the bench went on counting).</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>How long the process took from spawn to its "N fake nodes … joined" line.</summary>
    public double JoinMilliseconds { get; private set; }

    /// <summary>Starts the agent; with <paramref name="logPath"/>, every line it prints also goes there, after the bench's UTC time (a 100,000-pod
    /// run's agent log was once only to be found in a dump of the bench process).</summary>
    public static async Task<FakeNodesAgent> StartAsync(string binary, ServerProcess server, int nodes, CancellationToken ct, string? logPath = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-bench-fake-nodes-").FullName;
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dataDir };
        foreach (var arg in (string[])["agent", "--server", $"https://127.0.0.1:{server.Port}", "--token-file", Path.Combine(server.DataDir, "join-token"),
            "--runtime", "fake", "--fake-nodes", nodes.ToString(CultureInfo.InvariantCulture), "--node-name-prefix", Prefix, "--data-dir", dataDir, "--airgap"])
        {
            psi.ArgumentList.Add(arg);
        }
        var spawned = Stopwatch.GetTimestamp();
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start axolotl agent");
        var agent = new FakeNodesAgent(process, dataDir, logPath);
        process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (!agent.Log.Contains("fake nodes (", StringComparison.Ordinal))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"axolotl agent exited with {process.ExitCode}:\n{agent.Log}");
                }
                if (Stopwatch.GetElapsedTime(spawned) > JoinTimeout(nodes))
                {
                    throw new TimeoutException($"{nodes} fake nodes did not join within {JoinTimeout(nodes).TotalSeconds:F0} s:\n{agent.Log}");
                }
                await Task.Delay(50, ct);
            }
            agent.JoinMilliseconds = Stopwatch.GetElapsedTime(spawned).TotalMilliseconds;
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last 4,000 characters of its output.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                var text = _log.ToString();
                return text.Length > 4000 ? text[^4000..] : text;
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _logFile?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            _log.AppendLine(line);
            if (_log.Length > 64_000)
            {
                _log.Remove(0, _log.Length - 16_000);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Terminate(_process.Id);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        lock (_log)
        {
            _logFile?.Dispose();
        }
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under /tmp.
        }
    }
}
