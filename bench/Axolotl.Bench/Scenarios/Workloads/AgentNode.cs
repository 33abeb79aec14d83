using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Workloads;

/// <summary>
/// A second node: an `axolotl agent` process (the binary under test) joined to a <see cref="NodeServer"/>
/// with the server's join token, on a node of its own (bench-agent-N, bridge axlwN, pod CIDR
/// 10.244.N.0/24, N in 220–254 and not the server node's) sharing the server's service range, renewing
/// its Lease every second. <see cref="KillAsync"/> makes it a dead node: SIGKILL, then every process in
/// its cgroups killed (containers outlive their agent by design). Dispose does the same and removes its
/// cgroups, bridge, the proxy's `-svc` link, the bridge's `ip rule`s, its nftables tables and its data dir.
/// </summary>
internal sealed class AgentNode : IAsyncDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _log = new();
    private readonly string _binary;
    private readonly NodeServer _server;
    private readonly int _slot;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("axolotl-bench-agent-").FullName;
    private Process? _process;

    private AgentNode(string binary, NodeServer server, int slot)
    {
        _binary = binary;
        _server = server;
        _slot = slot;
    }

    public string NodeName => $"bench-agent-{_slot}";
    public string Bridge => $"axlw{_slot}";
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Starts an agent and returns once it says it joined.</summary>
    public static async Task<AgentNode> StartAsync(BenchContext context, string binary, NodeServer server, CancellationToken ct)
    {
        var serverSlot = int.Parse(server.NodeName["bench-".Length..], CultureInfo.InvariantCulture);
        var slot = Enumerable.Range(220, 35).Where(s => s != serverSlot).OrderBy(_ => Random.Shared.Next())
            .First(s => !Directory.Exists($"/sys/class/net/axlb{s}") && !Directory.Exists($"/sys/class/net/axlw{s}") && !Directory.Exists($"/sys/class/net/axla{s}"));
        var agent = new AgentNode(binary, server, slot);
        context.Log($"agent node: node {agent.NodeName}, bridge {agent.Bridge}, pod CIDR 10.244.{slot}.0/24, service CIDR 10.96.{serverSlot}.0/24");
        try
        {
            await agent.LaunchAsync(ct);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the agent again on the same node, bridge and data dir (after <see cref="KillAsync"/>).</summary>
    public Task RestartAsync(CancellationToken ct) => LaunchAsync(ct);

    /// <summary>The node dies: the agent gets SIGKILL and every process left in its cgroups is killed.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: false);
            await p.WaitForExitAsync();
        }
        await KillContainersAsync();
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        int mark;
        lock (_log)
        {
            mark = _log.Length;
        }
        var serverSlot = _server.NodeName["bench-".Length..];
        var psi = new ProcessStartInfo(_binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dataDir };
        foreach (var arg in (string[])["agent", "--server", $"https://127.0.0.1:{_server.Server.Port}", "--token-file", Path.Combine(_server.Server.DataDir, "join-token"),
            "--node-name", NodeName, "--data-dir", _dataDir, "--bridge", Bridge, "--pod-cidr", $"10.244.{_slot}.0/24",
            "--kubelet-port", FreePort().ToString(CultureInfo.InvariantCulture), "--service-cidr", $"10.96.{serverSlot}.0/24",
            "--restart-backoff", "1s", "--restart-backoff-max", "4s", "--node-lease-interval", "1s", "--airgap", "--ingress-http-port", "0", "--ingress-https-port", "0"])
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start axolotl agent");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;
        var waited = Stopwatch.StartNew();
        while (!Joined(mark))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"axolotl agent exited with {process.ExitCode}:\n{Log}");
            }
            if (waited.Elapsed > JoinTimeout)
            {
                throw new TimeoutException($"axolotl agent did not join within {JoinTimeout.TotalSeconds:F0} s:\n{Log}");
            }
            await Task.Delay(50, ct);
        }
    }

    private string Log
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

    private bool Joined(int mark)
    {
        lock (_log)
        {
            return _log.ToString(mark, _log.Length - mark).Contains($"Node {NodeName} joined", StringComparison.Ordinal);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>cgroup.kill (cgroup v2) on every cgroup of the node, deepest first; waits until their cgroup.procs are empty.</summary>
    private async Task KillContainersAsync()
    {
        var unified = Path.Combine("/sys/fs/cgroup/unified", "axolotl-" + NodeName);
        if (!Directory.Exists(unified))
        {
            return;
        }
        var groups = Directory.EnumerateDirectories(unified, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(unified).ToList();
        foreach (var group in groups)
        {
            TryWrite(Path.Combine(group, "cgroup.kill"), "1");
        }
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(5) && groups.Any(g => TryRead(Path.Combine(g, "cgroup.procs")).Length > 0))
        {
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        // A killed agent leaves its cgroups, bridge, the service proxy's link, the bridge's forwarding rules and its
        // nftables tables (egress, policy, standby): the same leftovers a killed server node has.
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

    private static void TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value, Encoding.ASCII);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cgroup went away meanwhile.
        }
    }

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
