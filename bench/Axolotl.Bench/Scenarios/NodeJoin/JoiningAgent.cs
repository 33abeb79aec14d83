using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.NodeJoin;

/// <summary>
/// One `axolotl agent` process joining a server with its join token, on a node of its own: a fresh
/// node name, bridge axljN, pod CIDR 10.244.N.0/24 (N in 220–254, free of every other axl* link),
/// kubelet port and data dir. Each output line is stamped when it arrives, so the first line and the
/// "joined" line can be placed on the same clock as the watch events. Stopped by PID (SIGTERM, SIGKILL
/// after 15 s); dispose then removes what a real node leaves on the host (cgroups, bridge, the
/// proxy's link and the bridge's rules) and the data dir.
/// </summary>
internal sealed class JoiningAgent : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("axolotl-bench-join-").FullName;
    private Process? _process;
    private long _firstLine;
    private long _joinedLine;

    private JoiningAgent(string nodeName, int slot)
    {
        NodeName = nodeName;
        Slot = slot;
    }

    public string NodeName { get; }
    public int Slot { get; }
    public string Bridge => $"axlj{Slot}";
    public int Pid => _process?.Id ?? 0;
    public bool HasExited => _process is { HasExited: true };

    /// <summary>Stopwatch timestamp of the spawn.</summary>
    public long Spawned { get; private set; }

    /// <summary>When the process printed its first line (0: none yet).</summary>
    public long FirstLine => Volatile.Read(ref _firstLine);

    /// <summary>When it printed "node NAME joined" (0: not yet).</summary>
    public long JoinedLine => Volatile.Read(ref _joinedLine);

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

    public static JoiningAgent Start(string binary, ServerProcess server, string nodeName, string serviceCidr, bool fakeRuntime)
    {
        var slot = Enumerable.Range(220, 35).OrderBy(_ => Random.Shared.Next())
            .First(s => !new DirectoryInfo("/sys/class/net").EnumerateFileSystemInfos($"axl*{s}").Any());
        var agent = new JoiningAgent(nodeName, slot);
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = agent._dataDir };
        foreach (var arg in (string[])["agent", "--server", $"https://127.0.0.1:{server.Port}", "--token-file", Path.Combine(server.DataDir, "join-token"),
            "--node-name", nodeName, "--data-dir", agent._dataDir, "--bridge", agent.Bridge, "--pod-cidr", $"10.244.{slot}.0/24",
            "--kubelet-port", FreePort().ToString(CultureInfo.InvariantCulture), "--service-cidr", serviceCidr, "--airgap", "--ingress-http-port", "0", "--ingress-https-port", "0", .. fakeRuntime ? (string[])["--runtime", "fake"] : []])
        {
            psi.ArgumentList.Add(arg);
        }
        agent.Spawned = Stopwatch.GetTimestamp();
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start axolotl agent");
        agent._process = process;
        process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        var arrived = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstLine, arrived, 0);
        if (line.Contains($"node {NodeName} joined", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.CompareExchange(ref _joinedLine, arrived, 0);
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <summary>SIGTERM by PID; SIGKILL if it is still running after 15 s.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        Signals.Terminate(process.Id);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        await NodeServer.RemoveNodeLeftoversAsync(NodeName, Bridge);
        await MountCleanup.UnmountUnderAsync(_dataDir);
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under /tmp.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
