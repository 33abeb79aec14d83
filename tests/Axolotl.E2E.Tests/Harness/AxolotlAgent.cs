using System.Diagnostics;
using System.Text;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// A real `axolotl agent` process joined to a test server: its own node name, bridge, pod CIDR
/// (10.244.SLOT.0/24, slots 230+ so they never meet a server's), kubelet port and data dir. Runs the
/// binary the server runs. Disposal deletes the node's pods, kills the process by PID and removes
/// its cgroups, bridge and routing rules, even when a test failed half-way.
/// </summary>
public sealed class AxolotlAgent : IAsyncDisposable
{
    private static int _slots = Environment.ProcessId % 20;

    private readonly StringBuilder _log = new();
    private readonly AxolotlServer _server;
    private readonly string _binary;
    private readonly int _slot = 230 + (Interlocked.Increment(ref _slots) % 25);
    private readonly int _kubeletPort = LoopbackPorts.Free();
    private Process? _process;

    private AxolotlAgent(AxolotlServer server, string binary)
    {
        _server = server;
        _binary = binary;
        DataDir = Directory.CreateTempSubdirectory("axolotl-e2e-agent-").FullName;
    }

    public string NodeName => $"e2e-agent-{_slot}";
    public string Bridge => $"axla{_slot}";
    public string PodCidr => $"10.244.{_slot}.0/24";
    public int KubeletPort => _kubeletPort;
    public string DataDir { get; }
    public string Log { get { lock (_log) { return _log.ToString(); } } }
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>The server's standing join token file (DIR/join-token; the CA is found next to it).</summary>
    private IReadOnlyList<string> _extraArgs = [];

    public static string ServerTokenFile(AxolotlServer server) => Path.Combine(server.DataDir, "join-token");

    /// <summary>Starts an agent with the server's join token and waits until it says it joined.</summary>
    /// <param name="extraArgs">More agent flags (a later flag wins, e.g. --server with several URLs), kept across restarts.</param>
    public static async Task<AxolotlAgent> StartAsync(AxolotlServer server, IReadOnlyList<string>? extraArgs = null)
    {
        var agent = new AxolotlAgent(server, ServerBinary(server)) { _extraArgs = extraArgs ?? [] };
        await agent.LaunchAsync(ServerTokenFile(server));
        return agent;
    }

    /// <summary>Starts an agent and returns at once, joined or not (its servers may be down): see <see cref="WaitForJoinAsync(TimeSpan)"/>.</summary>
    public static async Task<AxolotlAgent> StartNotWaitingAsync(AxolotlServer server, IReadOnlyList<string>? extraArgs = null)
    {
        // A server that is down has no process to take the binary from: the build it ran from.
        var binary = server.Pid is null ? await AxolotlServer.EnsureBuiltAsync() : ServerBinary(server);
        var agent = new AxolotlAgent(server, binary) { _extraArgs = extraArgs ?? [] };
        agent._launched = agent.Start(ServerTokenFile(server), caFile: null);
        return agent;
    }

    /// <summary>Waits until an agent started with <see cref="StartNotWaitingAsync"/> says it joined.</summary>
    public Task WaitForJoinAsync(TimeSpan timeout) => WaitForJoinAsync(_launched ?? throw new InvalidOperationException("not started"), 0, timeout);

    /// <summary>Runs an agent that is expected to give up (bad token): returns its exit code and output.</summary>
    public static async Task<ProcessResult> RunToExitAsync(AxolotlServer server, string tokenFile, IReadOnlyList<string>? extraArgs = null)
    {
        await using var agent = new AxolotlAgent(server, ServerBinary(server)) { _extraArgs = extraArgs ?? [] };
        var process = agent.Start(tokenFile, caFile: Path.Combine(server.DataDir, "pki", "ca.crt"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, agent.Log, "");
    }

    /// <summary>Starts the agent again on the same data dir, node and bridge (after KillAsync).</summary>
    public Task RestartAsync() => LaunchAsync(ServerTokenFile(_server));

    /// <summary>SIGKILL, as in a crash: its containers are not told and keep running.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: false);
            await p.WaitForExitAsync();
        }
    }

    private Process? _launched;

    private async Task LaunchAsync(string tokenFile)
    {
        var mark = Log.Length;
        await WaitForJoinAsync(Start(tokenFile, caFile: null), mark, TimeSpan.FromSeconds(60));
    }

    private async Task WaitForJoinAsync(Process process, int mark, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Log[mark..].Contains($"Node {NodeName} joined", StringComparison.Ordinal))
        {
            if (process.HasExited)
            {
                // HasExited can be true before the async readers drained the pipes; this wait returns at their EOF.
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"axolotl agent exited with {process.ExitCode}:\n{Log}");
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"axolotl agent did not join within {timeout.TotalSeconds}s:\n{Log}");
            }
            await Task.Delay(100);
        }
    }

    private Process Start(string tokenFile, string? caFile)
    {
        var psi = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        List<string> args =
        [
            "agent", "--server", $"https://127.0.0.1:{_server.Port}", "--token-file", tokenFile, "--node-name", NodeName,
            "--data-dir", DataDir, "--bridge", Bridge, "--pod-cidr", PodCidr, "--kubelet-port", _kubeletPort.ToString(),
            // No --service-cidr or --cluster-cidr: the agent takes the server's, published on the kubernetes Service.
            "--restart-backoff", "1s", "--restart-backoff-max", "4s",
            // No packet leaves the machine: the cluster DNS has no upstream unless a test names one (a later flag wins).
            "--resolv-conf", "",
            // Renew often enough for the short grace periods node-failure tests use.
            "--node-lease-interval", "1s",
            // Tests never reach a real registry; --airgap=false in extraArgs overrides.
            "--airgap",
            // As the harness's servers: parallel nodes in one network namespace never fight for 80/443 (extraArgs may override).
            "--ingress-http-port", "0", "--ingress-https-port", "0",
            .. _extraArgs,
        ];
        if (caFile is not null)
        {
            args.AddRange(["--ca-file", caFile]);
        }
        foreach (var arg in args)
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
        return process;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RemovePodsAsync();
        await KillAsync();
        // As for a server: the node's own reset first (it needs no live process), the older sweep behind it.
        await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(), ["reset", "--data-dir", DataDir], timeout: TimeSpan.FromMinutes(1));
        await NodeCleanup.RemoveAsync(NodeName, Bridge, runtimeDir: Path.Combine(DataDir, "runtime"));
        await NodeCleanup.UnmountUnderAsync(DataDir);
        // The service proxy's link (BRIDGE-svc) is removed only on a clean stop.
        await ProcessRunner.RunAsync("ip", ["link", "del", $"{Bridge}-svc"], timeout: TimeSpan.FromSeconds(10));
        foreach (var pref in new[] { "32100", "32101" })
        {
            await ProcessRunner.RunAsync("ip", ["rule", "del", "pref", pref, "iif", Bridge], timeout: TimeSpan.FromSeconds(10));
        }
        if (_server.Pid is not null)
        {
            await new Kubectl(_server).RunAsync("delete", "node", NodeName, "--wait=false");
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under /tmp.
        }
    }

    /// <summary>Deletes this node's pods through the server and waits for the agent to stop them (it keeps containers otherwise).</summary>
    private async Task RemovePodsAsync()
    {
        if (Pid is null || _server.Pid is null)
        {
            return;
        }
        await new Kubectl(_server).RunAsync("delete", "pods", "--all", "-A", "--field-selector", $"spec.nodeName={NodeName}", "--grace-period=1", "--wait=false");
        var runtimePods = Path.Combine(DataDir, "runtime", "pods");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && Directory.Exists(runtimePods) && Directory.EnumerateDirectories(runtimePods).Any())
        {
            await Task.Delay(200);
        }
    }

    /// <summary>The server process's own executable: the harness's private snapshot of the build.</summary>
    internal static string ServerBinary(AxolotlServer server)
    {
        var pid = server.Pid ?? throw new InvalidOperationException("the server is not running");
        var path = new FileInfo($"/proc/{pid}/exe").LinkTarget ?? throw new InvalidOperationException("cannot resolve the server's executable");
        return path;
    }
}
