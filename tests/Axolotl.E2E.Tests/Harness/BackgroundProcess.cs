using System.Diagnostics;
using System.Text;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// A long-running command (`kubectl get -w`, `kubectl wait`) whose output the test reads while it
/// runs. Stopped by PID on dispose.
/// </summary>
public sealed class BackgroundProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BackgroundProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }
    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    public static BackgroundProcess Start(string file, IEnumerable<string> args, IDictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var background = new BackgroundProcess(process);
        process.OutputDataReceived += (_, e) => background.Append(background._stdout, background._stdoutClosed, e.Data);
        process.ErrorDataReceived += (_, e) => background.Append(background._stderr, background._stderrClosed, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return background;
    }

    private void Append(StringBuilder buffer, TaskCompletionSource closed, string? line)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }
        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    /// <summary>Waits until stdout satisfies <paramref name="done"/>; fails with everything seen so far.</summary>
    public async Task<string> WaitForStdoutAsync(Func<string, bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Eventually.DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seen = Stdout;
            if (done(seen))
            {
                return seen;
            }
            if (clock.Elapsed > limit || (_process.HasExited && _stdoutClosed.Task.IsCompleted && !done(Stdout)))
            {
                Assert.Fail($"{what}: not seen after {clock.Elapsed.TotalSeconds:0.0}s (exited: {_process.HasExited})\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the process to end by itself and returns its result.</summary>
    public async Task<ProcessResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"process {Pid} did not exit within {timeout}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
        }
        return new ProcessResult(_process.ExitCode, Stdout, Stderr);
    }

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
