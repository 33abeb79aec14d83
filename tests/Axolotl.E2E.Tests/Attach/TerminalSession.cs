using System.Diagnostics;
using System.Text;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Attach;

/// <summary>
/// kubectl on a pseudo-terminal (util-linux `script`), as a user at a terminal runs `-it`: the test
/// types into it and reads what the terminal shows. Killed by PID on dispose.
/// </summary>
internal sealed class TerminalSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Task _reading;

    private TerminalSession(Process process)
    {
        _process = process;
        _reading = ReadAsync();
    }

    public string Screen { get { lock (_screen) { return _screen.ToString(); } } }

    public static TerminalSession Start(string kubeconfig, string cacheDir, string home, params string[] kubectlArgs) =>
        Start(kubeconfig, cacheDir, home, null, kubectlArgs);

    /// <param name="size">The terminal's columns and rows, set (stty) before kubectl starts; null leaves script's default.</param>
    public static TerminalSession Start(string kubeconfig, string cacheDir, string home, (int Columns, int Rows)? size, params string[] kubectlArgs)
    {
        var command = string.Join(' ', new[] { Kubectl.Binary, "--cache-dir", cacheDir }.Concat(kubectlArgs).Select(Quote));
        if (size is { } s)
        {
            command = $"stty cols {s.Columns} rows {s.Rows}; exec {command}";
        }
        var psi = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var arg in new[] { "-qfec", command, "/dev/null" })
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment["HOME"] = home;
        psi.Environment["TERM"] = "dumb";
        return new TerminalSession(Process.Start(psi) ?? throw new InvalidOperationException("cannot start script"));
    }

    public async Task TypeAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the screen shows <paramref name="text"/>; fails with the screen so far.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!Screen.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(deadline.Elapsed < timeout, $"the terminal never showed '{text}'; it shows:\n{Screen}");
            Assert.False(_process.HasExited && _reading.IsCompleted, $"kubectl ended before showing '{text}'; the terminal shows:\n{Screen}");
            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _reading;
        return _process.ExitCode;
    }

    private async Task ReadAsync()
    {
        var stdout = PumpAsync(_process.StandardOutput.BaseStream);
        var stderr = PumpAsync(_process.StandardError.BaseStream);
        await Task.WhenAll(stdout, stderr);
    }

    private async Task PumpAsync(Stream stream)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            lock (_screen)
            {
                _screen.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
