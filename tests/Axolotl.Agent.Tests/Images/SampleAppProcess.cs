using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Agent.Tests.Images;

/// <summary>
/// One axolotl-sampleapps process for a test: started with its own environment, stdout drained
/// continuously (a chatty app must never block on a full pipe) and every line kept, killed on
/// dispose if still running.
/// </summary>
internal sealed class SampleAppProcess : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _newLine = new(0);
    private readonly Task<string> _stderr;
    private readonly Task _stdout;
    private bool _stdoutDone;

    private SampleAppProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _stdout = Task.Run(DrainStdoutAsync);
    }

    private async Task DrainStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_gate)
            {
                _lines.Add(line);
            }

            _newLine.Release();
        }

        lock (_gate)
        {
            _stdoutDone = true;
        }

        _newLine.Release();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static SampleAppProcess Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var argv = SampleAppsBinary.Find().Concat(args).ToList();
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        return new SampleAppProcess(Process.Start(info)!);
    }

    /// <summary>Starts an HTTP app and waits for "listening on"; returns it with a client for its port.</summary>
    public static async Task<(SampleAppProcess App, HttpClient Http)> StartHttpAsync(IReadOnlyList<string> args, int port, IReadOnlyDictionary<string, string>? env = null)
    {
        var app = Start(args, env);
        await app.WaitForLineAsync("listening on 0.0.0.0:");
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = Timeout,
        };
        return (app, http);
    }

    /// <summary>Waits for a stdout line containing <paramref name="text"/>; returns that line.</summary>
    public async Task<string> WaitForLineAsync(string text)
    {
        var next = 0;
        while (true)
        {
            lock (_gate)
            {
                for (; next < _lines.Count; next++)
                {
                    if (_lines[next].Contains(text, StringComparison.Ordinal))
                    {
                        return _lines[next];
                    }
                }

                if (_stdoutDone)
                {
                    break;
                }
            }

            if (!await _newLine.WaitAsync(Timeout))
            {
                throw new TimeoutException($"no line containing \"{text}\" within {Timeout}");
            }
        }

        throw new InvalidOperationException($"the app exited before printing \"{text}\"; stderr: {await _stderr.WaitAsync(Timeout)}");
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        await _stdout.WaitAsync(Timeout);
        var stderr = await _stderr.WaitAsync(Timeout);
        lock (_gate)
        {
            return (_process.ExitCode, string.Concat(_lines.Select(l => l + "\n")), stderr);
        }
    }

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _newLine.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
