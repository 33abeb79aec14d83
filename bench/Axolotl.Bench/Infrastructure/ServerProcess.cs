using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// One `axolotl server` process on a free loopback port and a fresh temporary data dir. Start returns
/// once /readyz answers 200 and the kubeconfig is written; the wall times to both are kept, as is the
/// server's own "ready after N ms". Dispose stops it by PID (SIGTERM, then SIGKILL) and deletes the dir.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private const int LogLinesKept = 200;

    private readonly Queue<string> _log = new();
    // Every line of every process on this data dir, when a scenario asked to keep them (KeepLogIn).
    private StreamWriter? _logFile;
    private readonly ProcessStartInfo _startInfo;
    // Replaced by KillAndStartAgainAsync: the same data dir and port, a new process.
    private Process _process;
    private TaskCompletionSource<double> _reportedReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process, ProcessStartInfo startInfo, string dataDir, int port)
    {
        _process = process;
        _startInfo = startInfo;
        DataDir = dataDir;
        Port = port;
    }

    public int Pid => _process.Id;
    public string DataDir { get; }
    public int Port { get; }
    public string KubeconfigPath => Path.Combine(DataDir, "kubeconfig");

    /// <summary>Wall time from spawning the process to its port first accepting a TCP connection.</summary>
    public double PortOpenMilliseconds { get; private set; }

    /// <summary>Wall time from spawning the process to the first 200 from /readyz.</summary>
    public double ReadyzMilliseconds { get; private set; }

    /// <summary>Wall time from spawning to the kubeconfig and the "ready after" log line both being there.</summary>
    public double ReadyLineMilliseconds { get; private set; }

    /// <summary>The figure in the server's own "ready after N ms" line.</summary>
    public double? ServerReportedReadyMilliseconds => _reportedReady.Task.IsCompletedSuccessfully ? _reportedReady.Task.Result : null;

    public Kubeconfig Kubeconfig => Kubeconfig.Load(KubeconfigPath);

    /// <summary>Appends every line the server prints from now on (and after a restart) to <paramref name="path"/>, each after the bench's UTC time.</summary>
    public void KeepLogIn(string path)
    {
        lock (_log)
        {
            _logFile = new StreamWriter(path, append: true) { AutoFlush = true };
        }
    }

    public string RecentLog
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(string binary, IReadOnlyDictionary<string, string> environment, TimeSpan timeout,
        CancellationToken ct, IReadOnlyList<string>? extraArgs = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-bench-").FullName;
        var port = FreePort();
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        // The API scenarios measure the control plane alone: no local node agent runs their pods.
        foreach (var arg in (string[])["server", "--data-dir", dataDir, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--local-agent", "false"])
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var arg in extraArgs ?? [])
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var spawned = Stopwatch.GetTimestamp();
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {binary}");
        var server = new ServerProcess(process, psi, dataDir, port);
        server.ReadOutput(process);
        try
        {
            await server.WaitReadyAsync(spawned, timeout, ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SIGKILLs the server (no shutdown at all, as a crash or the OOM killer would) and starts the same
    /// command again on the same data dir and port; returns once the new process is ready. <see cref="Pid"/>
    /// names the new process from then on. Containers outlive the kill by design.
    /// </summary>
    public async Task KillAndStartAgainAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(ct);
        }
        _process.Dispose();
        _reportedReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var spawned = Stopwatch.GetTimestamp();
        _process = Process.Start(_startInfo) ?? throw new InvalidOperationException($"cannot start {_startInfo.FileName}");
        ReadOutput(_process);
        await WaitReadyAsync(spawned, timeout, ct);
    }

    private void ReadOutput(Process process)
    {
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _logFile?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            _log.Enqueue(line);
            if (_log.Count > LogLinesKept)
            {
                _log.Dequeue();
            }
        }
        if (ReadyAfter().Match(line) is { Success: true } m)
        {
            _reportedReady.TrySetResult(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    private async Task WaitReadyAsync(long spawned, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        // Only the anonymous /readyz is probed before the CA exists on disk; everything after verifies the CA.
#pragma warning disable CA5359
        using var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            // Records when the port first accepts a connection, to tell the listener being up from it answering.
            ConnectCallback = async (endpoint, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(endpoint.DnsEndPoint, token);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                if (PortOpenMilliseconds == 0)
                {
                    PortOpenMilliseconds = Stopwatch.GetElapsedTime(spawned).TotalMilliseconds;
                }
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
#pragma warning restore CA5359
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var readyz = new Uri($"https://127.0.0.1:{Port}/readyz");
        try
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"axolotl server exited with {_process.ExitCode}:\n{RecentLog}");
                }
                try
                {
                    using var response = await http.GetAsync(readyz, deadline.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        ReadyzMilliseconds = Stopwatch.GetElapsedTime(spawned).TotalMilliseconds;
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                // Polling every 5 ms bounds the error of the measurement without loading a starting server.
                await Task.Delay(5, deadline.Token);
            }
            while (!File.Exists(KubeconfigPath) || !_reportedReady.Task.IsCompleted)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"axolotl server exited with {_process.ExitCode}:\n{RecentLog}");
                }
                await Task.Delay(5, deadline.Token);
            }
            ReadyLineMilliseconds = Stopwatch.GetElapsedTime(spawned).TotalMilliseconds;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"axolotl server not ready after {timeout.TotalSeconds:F0} s:\n{RecentLog}");
        }
    }

    /// <summary>SIGTERM and wait for a clean exit; SIGKILL if it takes longer than <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        Signals.Terminate(_process.Id);
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        _process.Dispose();
        lock (_log)
        {
            _logFile?.Dispose();
            _logFile = null;
        }
        await MountCleanup.UnmountUnderAsync(DataDir);
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp dir is not worth failing a run over.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"ready after (\d+(?:\.\d+)?) ms")]
    private static partial Regex ReadyAfter();
}
