using System.Diagnostics;
using Axolotl.Runtime;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// A cold start whose container would restart at once holds its command until the standby launched
/// before it is ready (--wait-standby / --ready-to, ADR 0002), so that a container that exits at once
/// finds its restart prepared; the wait ends early when the standby fails, and nothing is left behind.
/// </summary>
public sealed class StandbyFirstTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>How long a command that must not run yet is given to run all the same.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    private readonly RuntimeFixture _rt = new(nativeLauncher: true);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    /// <summary>A launcher started by hand as a cold start waiting on <paramref name="fifo"/> (no bound to speak of).</summary>
    private Process StartWaitingLauncher(string fifo, string script)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_rt.Options.StateDirectory, "direct-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var psi = new ProcessStartInfo(_rt.Tools.Launcher!) { RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "--exit-file", Path.Combine(dir, "c.exit"), "--log", Path.Combine(dir, "c.log"),
            "--wait-standby", fifo, "--wait-standby-ms", "60000", "--", "sh", "-c", script,
        })
        {
            psi.ArgumentList.Add(argument);
        }

        return Process.Start(psi)!;
    }

    private string NewFifo()
    {
        var fifo = Path.Combine(Directory.CreateDirectory(_rt.Options.StateDirectory).FullName, $"ready-{Guid.NewGuid():N}");
        Assert.True(Fifo.CreateReplacing(fifo));
        return fifo;
    }

    /// <summary>Whether a process other than this one has <paramref name="path"/> open.</summary>
    private static bool OpenElsewhere(string path)
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (Directory.EnumerateFileSystemEntries(Path.Combine(proc, "fd")).Any(fd => new FileInfo(fd).LinkTarget == path))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return false;
    }

    private static async Task<string?> FirstLineAsync(Process launcher) => await launcher.StandardOutput.ReadLineAsync();

    private static async Task EndAsync(Process launcher)
    {
        await launcher.WaitForExitAsync().WaitAsync(Deadline);
        launcher.Dispose();
    }

    [Fact]
    public async Task A_cold_start_runs_its_command_only_once_its_standby_says_it_is_ready()
    {
        var fifo = NewFifo();
        // The standby's end: held open, nothing written yet.
        await using var standby = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        using var launcher = StartWaitingLauncher(fifo, "exit 0");
        var running = FirstLineAsync(launcher);

        await QuietPeriod.HoldsAsync(Quiet, () => !running.IsCompleted, "the command held back");
        standby.WriteByte((byte)'r');

        Assert.StartsWith("running ", await running.WaitAsync(Deadline), StringComparison.Ordinal);
        await EndAsync(launcher);
    }

    [Fact]
    public async Task A_standby_that_fails_before_it_is_ready_lets_the_cold_start_run_at_once()
    {
        var fifo = NewFifo();
        var standby = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        using var launcher = StartWaitingLauncher(fifo, "exit 0");
        var running = FirstLineAsync(launcher);
        await Eventually.TrueAsync(() => OpenElsewhere(fifo), "the cold start holding the FIFO", timeout: Deadline);

        // Its end closes without a byte, as a standby's does when its set-up fails: no wait for the bound (60 s).
        await standby.DisposeAsync();

        Assert.StartsWith("running ", await running.WaitAsync(Deadline), StringComparison.Ordinal);
        await EndAsync(launcher);
    }

    private (ContainerSpec First, ContainerSpec Second) Attempts(PodSandbox sandbox, string name, string firstScript, Func<bool> armsNow)
    {
        var armed = new ArmedRestart(OnAnyExit: false, armsNow);
        var first = _rt.Spec(sandbox, "main", "sh", "-c", firstScript) with { LogPath = Path.Combine(_rt.LogDirectory, $"{name}-0.log") };
        var second = first with { Command = ["sh", "-c", "echo second; exit 5"], LogPath = Path.Combine(_rt.LogDirectory, $"{name}-1.log"), ArmsNext = armed };
        // The agent's own decision at the exit says no: only the armed standby can start the second attempt.
        return (first with { NextAttempt = second, RestartsAtOnce = (_, _) => false, ArmsNext = armed }, second);
    }

    private static string CommandLineOf(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    [Fact]
    public async Task A_container_that_exits_at_once_is_restarted_by_its_armed_standby()
    {
        // Out of the way: the wait must end on the standby's word, not on the bound.
        _rt.Options.StandbyWait = TimeSpan.FromSeconds(30);
        var sandbox = await _rt.SandboxAsync("first-crash");
        var (first, second) = Attempts(sandbox, "first-crash", "exit 3", () => true);

        var handle = await _rt.StartAsync(sandbox, first);

        Assert.Equal(3, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
        // Ready before the crash, so armed in time: the crash's own launcher started it (the agent's
        // decision says no), and the agent adopted it (it may have before the start above returned).
        Assert.Contains(" stdout F second", await RuntimeFixture.EventuallyReadAsync(second.LogPath, Deadline), StringComparison.Ordinal);
        Assert.Null(_rt.Runtime.StandbyOf(sandbox.PodUid, "main"));
        var restarted = await _rt.StartAsync(sandbox, second);
        Assert.Equal(5, (await _rt.Runtime.WaitAsync(restarted, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
        Assert.False(File.Exists(_rt.Runtime.StandbyReadyFifoFor(sandbox.PodUid, "main")));
    }

    [Fact]
    public async Task A_cold_start_holds_its_command_while_its_standby_is_setting_up_for_at_most_the_bound()
    {
        _rt.Options.StandbyWait = TimeSpan.FromSeconds(3);
        var sandbox = await _rt.SandboxAsync("first-held");
        var (first, second) = Attempts(sandbox, "first-held", "exec sleep 100", () => true);
        // The standby's launcher reads its seccomp program before anything else of its set-up: from a FIFO
        // nobody writes, that read holds it there.
        var held = NewFifo();
        first = first with { NextAttempt = second with { Seccomp = new Axolotl.Runtime.Seccomp.SeccompProgram(held, 0) } };

        var start = _rt.StartAsync(sandbox, first);

        await QuietPeriod.HoldsAsync(Quiet, () => !start.IsCompleted, "the cold start held for its standby");
        var handle = await start.WaitAsync(Deadline);
        Assert.True(LinuxProcess.IsAlive(handle.Pid));
        // Let the standby's launcher go (an empty program: it fails), so nothing is left blocked.
        await new FileStream(held, FileMode.Open, FileAccess.Write).DisposeAsync();
    }

    [Fact]
    public async Task A_cold_start_whose_restart_would_back_off_does_not_wait()
    {
        var sandbox = await _rt.SandboxAsync("first-no-wait");
        var (first, _) = Attempts(sandbox, "first-no-wait", "exec sleep 100", () => false);

        var handle = await _rt.StartAsync(sandbox, first);

        Assert.DoesNotContain("--wait-standby", CommandLineOf(handle.Pid), StringComparison.Ordinal);
        Assert.DoesNotContain("--ready-to", CommandLineOf(_rt.Runtime.StandbyOf(sandbox.PodUid, "main")!.Process.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_the_pod_leaves_no_process_fifo_or_cgroup_of_a_waited_for_standby()
    {
        var sandbox = await _rt.SandboxAsync("first-remove");
        var (first, _) = Attempts(sandbox, "first-remove", "exec sleep 100", () => true);
        var handle = await _rt.StartAsync(sandbox, first);
        var standby = _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!;
        Assert.True(await standby.Ready.WaitAsync(Deadline));
        var standbyPid = standby.Process.Id;
        Assert.Contains("--ready-to", CommandLineOf(standbyPid), StringComparison.Ordinal);
        Assert.Contains("--wait-standby", CommandLineOf(handle.Pid), StringComparison.Ordinal);
        var fifo = _rt.Runtime.StandbyReadyFifoFor(sandbox.PodUid, "main");
        Assert.False(File.Exists(fifo));

        await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None).WaitAsync(Deadline);
        await _rt.Runtime.RemoveSandboxAsync(sandbox, CancellationToken.None).WaitAsync(Deadline);

        Assert.False(LinuxProcess.IsAlive(standbyPid));
        // The exit is reported by the launcher's line, before the launcher has taken its mounts down and
        // ended (so a restart need not wait for that): its own end follows a moment later.
        await Eventually.TrueAsync(() => !LinuxProcess.IsAlive(handle.Pid), "the cold start's launcher to end", timeout: Deadline);
        Assert.False(OpenElsewhere(fifo));
        Assert.DoesNotContain(
            Directory.EnumerateDirectories("/proc").Where(p => int.TryParse(Path.GetFileName(p), out _)),
            p => ReadOrEmpty(Path.Combine(p, "cmdline")).Contains(sandbox.PodUid, StringComparison.Ordinal));
        Assert.DoesNotContain(Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}").Directories, Directory.Exists);
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
