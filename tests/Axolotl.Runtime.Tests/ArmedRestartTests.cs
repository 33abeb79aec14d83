using Axolotl.Runtime;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// An armed standby (<see cref="ArmedRestart"/>) starts on its container's exit from the exited attempt's
/// own launcher, without the agent's go: only on an exit the policy restarts, only while the agent would
/// restart at once, and never after the agent stopped the container itself. The agent's decision at the
/// exit is made to say no throughout, so an attempt that runs can only have been started by the launcher.
/// </summary>
public sealed class ArmedRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private const int SIGUSR1 = 10;

    /// <summary>How long an attempt that must not start is given to start all the same.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    private readonly RuntimeFixture _rt = new(nativeLauncher: true);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    /// <summary>
    /// The first attempt runs <paramref name="firstScript"/> only once the test opens its gate
    /// (<see cref="OpenAsync"/>), so however slow the machine, it cannot end before the test holds its
    /// standby. The gate is a signal: the attempt says "gate" once its trap is set, and SIGUSR1 opens it.
    /// </summary>
    private (ContainerSpec First, ContainerSpec Second) Attempts(PodSandbox sandbox, string name, string firstScript, bool onAnyExit, Func<bool> armsNow)
    {
        var armed = new ArmedRestart(onAnyExit, armsNow);
        var script = $"go=; trap 'go=1' USR1; echo gate; while [ -z \"$go\" ]; do sleep 0.01; done; {firstScript}";
        var first = _rt.Spec(sandbox, "main", "sh", "-c", script) with { LogPath = Path.Combine(_rt.LogDirectory, $"{name}-0.log") };
        var second = first with { Command = ["sh", "-c", "echo second; exit 5"], LogPath = Path.Combine(_rt.LogDirectory, $"{name}-1.log"), ArmsNext = armed };
        return (first with { NextAttempt = second, RestartsAtOnce = (_, _) => false, ArmsNext = armed }, second);
    }

    /// <summary>
    /// Opens the first attempt's gate once its trap is set (it said so on stdout). The handle's pid is the
    /// launcher, so the signal goes to the gate's own shell, found among its descendants by its script.
    /// </summary>
    private static async Task OpenAsync(ContainerSpec first, ContainerHandle handle)
    {
        Assert.Contains(" stdout F gate", await EventuallyReadAsync(first.LogPath!), StringComparison.Ordinal);
        var shell = Descendants(handle.Pid).FirstOrDefault(pid => CommandLineOf(pid).Contains("trap 'go=1' USR1", StringComparison.Ordinal));
        Assert.True(shell > 0, "the gate's shell is among the attempt's processes");
        Assert.True(LinuxProcess.Signal(shell, SIGUSR1), "the first attempt is gone before its gate opened");
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            var children = File.Exists($"{task}/children") ? File.ReadAllText($"{task}/children") : "";
            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
            {
                yield return child;
                foreach (var grandchild in Descendants(child))
                {
                    yield return grandchild;
                }
            }
        }
    }

    private static string CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Starts the first attempt and waits for its standby; then opens the attempt's gate unless told not to.</summary>
    private async Task<(ContainerHandle Handle, ContainerStandby Standby)> StartWithReadyStandbyAsync(PodSandbox sandbox, ContainerSpec first, string name, bool open = true)
    {
        var handle = await _rt.StartAsync(sandbox, first);
        var standby = _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!;
        Assert.True(await standby.Ready.WaitAsync(Deadline));
        if (open)
        {
            await OpenAsync(first, handle);
        }
        return (handle, standby);
    }

    private static Task<string> EventuallyReadAsync(string path) => RuntimeFixture.EventuallyReadAsync(path, Deadline);

    private async Task AssertStillStandingByAsync(PodSandbox sandbox, ContainerStandby standby, ContainerSpec second)
    {
        await QuietPeriod.HoldsAsync(Quiet, () => !File.Exists(second.LogPath), "the armed attempt not started");
        Assert.Same(standby, _rt.Runtime.StandbyOf(sandbox.PodUid, "main"));
        Assert.True(LinuxProcess.IsAlive(standby.Process.Id));
    }

    [Fact]
    public async Task A_failure_starts_the_armed_standby_from_the_launcher_and_the_agent_adopts_it()
    {
        var sandbox = await _rt.SandboxAsync("armed-go");
        var (first, second) = Attempts(sandbox, "armed-go", "sleep 0.3; exit 3", onAnyExit: false, () => true);
        var (handle, standby) = await StartWithReadyStandbyAsync(sandbox, first, "armed-go");

        Assert.Equal(3, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);

        Assert.Contains(" stdout F second", await EventuallyReadAsync(second.LogPath), StringComparison.Ordinal);
        Assert.Null(_rt.Runtime.StandbyOf(sandbox.PodUid, "main"));
        var restarted = await _rt.StartAsync(sandbox, second);
        Assert.Equal(standby.Process.Id, restarted.Pid);
        Assert.Equal(5, (await _rt.Runtime.WaitAsync(restarted, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
    }

    [Fact]
    public async Task Under_Always_a_success_starts_it_too()
    {
        var sandbox = await _rt.SandboxAsync("armed-any");
        var (first, second) = Attempts(sandbox, "armed-any", "sleep 0.3; exit 0", onAnyExit: true, () => true);
        var (handle, _) = await StartWithReadyStandbyAsync(sandbox, first, "armed-any");

        Assert.Equal(0, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);

        Assert.Contains(" stdout F second", await EventuallyReadAsync(second.LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_OnFailure_a_success_leaves_it_standing_by()
    {
        var sandbox = await _rt.SandboxAsync("armed-ok");
        var (first, second) = Attempts(sandbox, "armed-ok", "sleep 0.3; exit 0", onAnyExit: false, () => true);
        var (handle, standby) = await StartWithReadyStandbyAsync(sandbox, first, "armed-ok");

        Assert.Equal(0, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);

        await AssertStillStandingByAsync(sandbox, standby, second);
    }

    [Fact]
    public async Task A_standby_prepared_while_the_agent_would_back_off_is_not_armed()
    {
        var sandbox = await _rt.SandboxAsync("armed-no");
        var (first, second) = Attempts(sandbox, "armed-no", "sleep 0.3; exit 3", onAnyExit: false, () => false);
        var (handle, standby) = await StartWithReadyStandbyAsync(sandbox, first, "armed-no");

        Assert.Equal(3, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);

        await AssertStillStandingByAsync(sandbox, standby, second);
    }

    [Fact]
    public async Task A_container_the_agent_stops_itself_does_not_start_its_standby()
    {
        var sandbox = await _rt.SandboxAsync("armed-stop");
        var (first, second) = Attempts(sandbox, "armed-stop", "exec sleep 100", onAnyExit: true, () => true);
        var (handle, standby) = await StartWithReadyStandbyAsync(sandbox, first, "armed-stop");

        await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(137, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
        await AssertStillStandingByAsync(sandbox, standby, second);
    }

    [Fact]
    public async Task A_pod_disarmed_for_good_neither_starts_its_armed_standby_nor_arms_the_next_one()
    {
        var sandbox = await _rt.SandboxAsync("armed-held");
        var (first, second) = Attempts(sandbox, "armed-held", "sleep 0.3; exit 3", onAnyExit: false, () => true);
        var (handle, standby) = await StartWithReadyStandbyAsync(sandbox, first, "armed-held", open: false);
        var fifo = Path.Combine(_rt.Options.StateDirectory, "pods", sandbox.PodUid, "containers", "main.next");
        Assert.True(File.Exists(fifo));

        // The node is about to hold the pod's listener (ADR 0030): its restarts must wait for the agent's go.
        _rt.Runtime.Disarm(sandbox.PodUid);
        Assert.False(File.Exists(fifo));
        Assert.True(_rt.Runtime.IsDisarmed(sandbox.PodUid));
        await OpenAsync(first, handle);
        Assert.Equal(3, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
        await AssertStillStandingByAsync(sandbox, standby, second);

        // A standby prepared later, while the agent would restart at once, is not armed either.
        await _rt.Runtime.PrepareStandbyAsync(sandbox, second, CancellationToken.None);
        Assert.True(await _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!.Ready.WaitAsync(Deadline));
        Assert.False(File.Exists(fifo));
    }

    [Fact]
    public async Task A_dropped_standby_is_disarmed_and_the_next_one_is_armed_afresh()
    {
        var sandbox = await _rt.SandboxAsync("armed-again");
        var (first, second) = Attempts(sandbox, "armed-again", "sleep 0.3; exit 3", onAnyExit: false, () => true);
        var (handle, dropped) = await StartWithReadyStandbyAsync(sandbox, first, "armed-again", open: false);
        var droppedPid = dropped.Process.Id;

        // The agent replaces the standby (as a start with another spec would): the new one gets the byte.
        await _rt.Runtime.PrepareStandbyAsync(sandbox, second, CancellationToken.None);
        var replacement = _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!;
        Assert.True(await replacement.Ready.WaitAsync(Deadline));
        Assert.False(LinuxProcess.IsAlive(droppedPid));
        await OpenAsync(first, handle);
        Assert.Equal(3, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);

        Assert.Contains(" stdout F second", await EventuallyReadAsync(second.LogPath), StringComparison.Ordinal);
        Assert.Equal(replacement.Process.Id, (await _rt.StartAsync(sandbox, second)).Pid);
    }
}
