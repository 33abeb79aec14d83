using System.Diagnostics;
using System.Text;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// A real `axolotl server` process on a free loopback port with its own data directory. The README's
/// script builds the binary once per test run; the build output is then copied to a private folder and
/// run from there, so a colleague's rebuild of .build/ (or a source edit that would make the script
/// rebuild) cannot change or break the binary half-way through the suite. Stopped by PID; the data dir
/// is removed on dispose.
/// </summary>
public sealed class AxolotlServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private static Task<string>? _build;

    private readonly StringBuilder _log = new();
    private Process? _process;

    private AxolotlServer(string dataDir, int port)
    {
        DataDir = dataDir;
        Port = port;
    }

    private static int _slots = Environment.ProcessId % 97;
    private readonly int _slot = 20 + (Interlocked.Increment(ref _slots) % 200);
    private readonly int _kubeletPort = LoopbackPorts.Free();

    public string DataDir { get; }

    /// <summary>This server's node (its agent's cgroup root is axolotl-NODE) and pod bridge.</summary>
    public string NodeName => $"e2e-{_slot}";

    public string Bridge => $"axle{_slot}";

    /// <summary>This server's cluster IP range; its proxy puts them on the link BRIDGE-svc.</summary>
    public string ServiceCidr => $"10.96.{_slot}.0/24";
    public int Port { get; }
    public string Kubeconfig => Path.Combine(DataDir, "kubeconfig");
    public string Log { get { lock (_log) { return _log.ToString(); } } }
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    private IReadOnlyList<string> _extraArgs = [];

    /// <summary>The loopback address the server listens on (several servers of one cluster share a port on 127.0.0.x).</summary>
    public string BindAddress { get; private set; } = "127.0.0.1";

    /// <param name="extraArgs">More server flags (e.g. a short --node-monitor-grace-period), kept across restarts.</param>
    public static async Task<AxolotlServer> StartAsync(string? dataDir = null, int? port = null, IReadOnlyList<string>? extraArgs = null, string? bind = null)
    {
        _ = await EnsureBuiltAsync();
        for (var attempt = 1; ; attempt++)
        {
            var server = new AxolotlServer(dataDir ?? Directory.CreateTempSubdirectory("axolotl-e2e-").FullName, port ?? LoopbackPorts.Free());
            server._extraArgs = extraArgs ?? [];
            server.BindAddress = bind ?? server.BindAddress;
            try
            {
                await server.LaunchAsync();
                return server;
            }
            catch (InvalidOperationException) when (port is null && dataDir is null && attempt < 3 && server.Log.Contains("cannot listen", StringComparison.Ordinal))
            {
                // The free port was taken by another test between the probe and the bind: another port.
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the server again on the same data dir and port (after Kill or Stop).</summary>
    public Task RestartAsync() => LaunchAsync();

    private async Task LaunchAsync()
    {
        var psi = new ProcessStartInfo(await EnsureBuiltAsync())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        string[] args =
        [
            "server", "--data-dir", DataDir, "--port", Port.ToString(), "--bind", BindAddress,
            // A node of its own per server: several run at once on this machine.
            "--node-name", NodeName, "--bridge", Bridge, "--pod-cidr", $"10.244.{_slot}.0/24", "--kubelet-port", _kubeletPort.ToString(),
            // Each server is its own cluster: disjoint cluster IPs, so their service proxies never share a VIP.
            "--service-cidr", ServiceCidr,
            "--restart-backoff", "1s", "--restart-backoff-max", "4s",
            // Tests never reach a real registry; a test that needs online mode passes --airgap=false (a later flag wins).
            "--airgap",
            // No packet leaves the machine: the cluster DNS has no upstream unless a test names one (a later flag wins).
            "--resolv-conf", "",
            // Many servers run at once: none takes 80/443 for its Ingress controller unless a test asks (a later flag wins).
            "--ingress-http-port", "0", "--ingress-https-port", "0",
            .. _extraArgs,
        ];
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        // The log runs on across restarts: a restart is ready at its own "ready" line, not at the last run's.
        var readyBefore = ReadyLines();
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start axolotl");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitReadyAsync(readyBefore, TimeSpan.FromSeconds(60));
    }

    private int ReadyLines()
    {
        var log = Log;
        var count = 0;
        for (var at = log.IndexOf(ReadyLine, StringComparison.Ordinal); at >= 0; at = log.IndexOf(ReadyLine, at + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private const string ReadyLine = "Axolotl is ready";

    /// <summary>Writes a line of the test harness into the saved log (e.g. which class starts on a shared server), marked as such.</summary>
    public void Note(string line) => Append($"[e2e {DateTime.UtcNow:HH:mm:ss.fff}] {line}");

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

    private async Task WaitReadyAsync(int readyBefore, TimeSpan timeout)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process!.HasExited)
            {
                // HasExited can be true before the async readers drained the pipes; this wait returns at their EOF.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"axolotl server exited with {_process.ExitCode}:\n{Log}");
            }
            try
            {
                var response = await http.GetAsync($"https://{BindAddress}:{Port}/readyz");
                // The server's own line, printed once its node started too: a bare "ready" would match "address already
                // in use", while another test's server on the same port answered /readyz. After a restart, the new run's
                // line: the API answers before the node starts, and a node that fails then ends the process (this is how
                // the dashboard's server-gone test saw the page go live and then lose the server again).
                if (response.IsSuccessStatusCode && File.Exists(Kubeconfig) && ReadyLines() > readyBefore)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow start.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"axolotl server not ready after {timeout}:\n{Log}");
    }

    /// <summary>SIGKILL: no chance to flush or clean up, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (_process is not { HasExited: false } p)
        {
            return _process?.ExitCode ?? 0;
        }
        Signals.Terminate(p.Id);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            throw new TimeoutException($"axolotl did not stop on SIGTERM:\n{Log}");
        }
        return p.ExitCode;
    }

    /// <summary>`axolotl reset --data-dir` on this server's data dir (refused while it runs).</summary>
    public async Task<ProcessResult> ResetAsync() =>
        await ProcessRunner.RunAsync(await EnsureBuiltAsync(), ["reset", "--data-dir", DataDir], timeout: TimeSpan.FromMinutes(1));

    public async ValueTask DisposeAsync()
    {
        await RemovePodsAsync();
        await KillAsync();
        // The node's own reset finds everything it made, from its record, even after a crash (the lock dies with the
        // process); the older sweep stays behind it for a data dir that never got so far as to write the record.
        await ResetAsync();
        await NodeCleanup.RemoveAsync(NodeName, Bridge, ServiceCidr, Path.Combine(DataDir, "runtime"));
        await NodeCleanup.UnmountUnderAsync(DataDir);
        _process?.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    /// <summary>
    /// Containers outlive their agent by design (a restarted agent re-adopts them), so a test server
    /// deletes its pods and waits for the agent to stop them before it is killed.
    /// </summary>
    private async Task RemovePodsAsync()
    {
        if (Pid is null)
        {
            return;
        }
        var kubectl = new Kubectl(this);
        await kubectl.RunAsync("delete", "pods", "--all", "-A", "--grace-period=1", "--wait=false");
        var runtimePods = Path.Combine(DataDir, "runtime", "pods");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20) && Directory.Exists(runtimePods) && Directory.EnumerateDirectories(runtimePods).Any())
        {
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Builds through ./axolotl once per test run and returns the private copy of the binary. A failed
    /// build is retried a couple of times (a colleague may be mid-edit), and the final outcome is kept,
    /// so a broken tree fails every fixture at once instead of rebuilding for each of them.
    /// </summary>
    public static async Task<string> EnsureBuiltAsync()
    {
        await BuildLock.WaitAsync();
        try
        {
            _build ??= BuildAndSnapshotAsync();
        }
        finally
        {
            BuildLock.Release();
        }
        return await _build;
    }

    /// <summary>
    /// The suite's servers run their ReadyToRun code as it is, never re-jitted: a server spends about 12 s of CPU in
    /// its first minute with tiered compilation (6–7 s of it re-jitting hot methods after it is ready) and about 5 s
    /// without, and the suite starts some 200 of them on two cores, CPU-bound. Behaviour is the same; only the
    /// product's steady-state code quality differs, which the benchmarks measure with the shipped runtimeconfig.
    /// </summary>
    private static void WithoutTieredCompilation(string runtimeConfig)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(runtimeConfig))!;
        var properties = config["runtimeOptions"]!["configProperties"] ??= new System.Text.Json.Nodes.JsonObject();
        properties["System.Runtime.TieredCompilation"] = false;
        File.WriteAllText(runtimeConfig, config.ToJsonString());
    }

    private static async Task<string> BuildAndSnapshotAsync()
    {
        RemoveStaleSnapshots();
        ProcessResult? result = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // Tests never install packages: what is missing is skipped with a warning (scripts/host-packages.sh).
            result = await ProcessRunner.RunAsync(RepoPaths.AxolotlScript, ["version"], new Dictionary<string, string> { ["AXOLOTL_INSTALL_PACKAGES"] = "no" },
                timeout: TimeSpan.FromMinutes(10));
            if (result.ExitCode == 0)
            {
                var snapshot = Directory.CreateTempSubdirectory("axolotl-e2e-bin-").FullName;
                CopyDirectory(Path.Combine(RepoPaths.Root, ".build", "axolotl"), snapshot);
                WithoutTieredCompilation(Path.Combine(snapshot, "axolotl.runtimeconfig.json"));
                AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(snapshot);
                return Path.Combine(snapshot, "axolotl");
            }
            await Task.Delay(TimeSpan.FromSeconds(20));
        }
        throw new InvalidOperationException($"building axolotl failed three times: {result}");
    }

    /// <summary>The test host is not always allowed to run exit handlers, so older runs' copies are swept here.</summary>
    private static void RemoveStaleSnapshots()
    {
        foreach (var dir in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories("axolotl-e2e-bin-*"))
        {
            if (dir.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-2))
            {
                TryDelete(dir.FullName);
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under /tmp.
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }
}
