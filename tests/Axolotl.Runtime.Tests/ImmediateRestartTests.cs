using Axolotl.Runtime;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// A container whose next attempt is prepared is restarted by the runtime the moment it exits when the
/// agent's decision, asked then, says so; the agent's start of that attempt then takes it, a start with
/// another spec replaces it, and an agent that will not start it after all has it stopped.
/// </summary>
public sealed class ImmediateRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    private (ContainerSpec First, ContainerSpec Second) Attempts(PodSandbox sandbox, string name, string script, Func<DateTimeOffset, ContainerExit, bool>? restartsAtOnce)
    {
        var first = _rt.Spec(sandbox, "main", "sh", "-c", script) with { LogPath = Path.Combine(_rt.LogDirectory, $"{name}-0.log") };
        var second = first with { LogPath = Path.Combine(_rt.LogDirectory, $"{name}-1.log") };
        return (first with { NextAttempt = second, RestartsAtOnce = restartsAtOnce }, second);
    }

    /// <summary>A first attempt that exits after 0.3 s, restarted at its exit as the second, which runs <paramref name="script"/>.</summary>
    private async Task<ContainerSpec> RestartedAtExitAsync(PodSandbox sandbox, string name, string script)
    {
        var (first, second) = Attempts(sandbox, name, script, (_, _) => true);
        var handle = await _rt.StartAsync(sandbox, first with { Command = ["sh", "-c", "sleep 0.3; exit 1"] });
        Assert.True(await _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!.Ready.WaitAsync(Deadline));
        await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
        await EventuallyReadAsync(second.LogPath);
        return second;
    }

    private Cgroups CgroupOf(PodSandbox sandbox) => Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main");

    private static Task<string> EventuallyReadAsync(string path) => RuntimeFixture.EventuallyReadAsync(path, Deadline);

    [Fact]
    public async Task An_exit_the_agent_would_restart_at_once_starts_the_prepared_attempt_before_the_agent_asks()
    {
        var sandbox = await _rt.SandboxAsync("fast-yes");
        ContainerExit? asked = null;
        var (first, second) = Attempts(sandbox, "fast-yes", "echo run; sleep 0.3; exit 2", (_, exit) =>
        {
            asked = exit;
            return true;
        });

        var handle = await _rt.StartAsync(sandbox, first);
        Assert.True(await _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!.Ready.WaitAsync(Deadline));
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(2, exit.ExitCode);
        Assert.Equal(exit, asked);
        // The second attempt runs (and logs) although nobody started it yet.
        Assert.Contains(" stdout F run", await EventuallyReadAsync(second.LogPath), StringComparison.Ordinal);
        var restarted = await _rt.StartAsync(sandbox, second);
        Assert.NotEqual(handle.Id, restarted.Id);
        Assert.Equal(2, (await _rt.Runtime.WaitAsync(restarted, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
    }

    [Fact]
    public async Task The_exit_hook_runs_on_the_exit_line_before_the_go_and_the_go_waits_for_it()
    {
        var sandbox = await _rt.SandboxAsync("fast-hook");
        var (first, second) = Attempts(sandbox, "fast-hook", "echo run; sleep 0.3; exit 2", (_, _) => true);
        using var release = new ManualResetEventSlim();
        var heard = new TaskCompletionSource<(string PodUid, string Name, bool WentBefore)>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The node's drain of a held listener (ADR 0030) runs here: the replacement must not have started yet, and must
        // wait until this returns.
        _rt.Runtime.ExitHeard = (podUid, name) =>
        {
            heard.TrySetResult((podUid, name, File.Exists(second.LogPath)));
            release.Wait(Deadline);
        };

        var handle = await _rt.StartAsync(sandbox, first);
        Assert.True(await _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!.Ready.WaitAsync(Deadline));
        Assert.Equal((sandbox.PodUid, "main", false), await heard.Task.WaitAsync(Deadline));
        await QuietPeriod.HoldsAsync(TimeSpan.FromMilliseconds(500), () => !File.Exists(second.LogPath), "no go while the hook runs");
        release.Set();

        Assert.Equal(2, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
        Assert.Contains(" stdout F run", await EventuallyReadAsync(second.LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crash_before_its_standby_is_ready_is_restarted_as_soon_as_the_standby_is()
    {
        var sandbox = await _rt.SandboxAsync("fast-early");
        var (first, second) = Attempts(sandbox, "fast-early", "echo run; exit 4", (_, _) => true);

        var handle = await _rt.StartAsync(sandbox, first);
        Assert.Equal(4, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);

        Assert.Contains(" stdout F run", await EventuallyReadAsync(second.LogPath), StringComparison.Ordinal);
        var restarted = await _rt.StartAsync(sandbox, second);
        Assert.Equal(4, (await _rt.Runtime.WaitAsync(restarted, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
    }

    [Fact]
    public async Task An_exit_the_agent_would_not_restart_at_once_leaves_the_attempt_to_the_agent()
    {
        var sandbox = await _rt.SandboxAsync("fast-no");
        var (first, second) = Attempts(sandbox, "fast-no", "echo run; sleep 0.3; exit 2", (_, _) => false);

        var handle = await _rt.StartAsync(sandbox, first);
        Assert.True(await _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!.Ready.WaitAsync(Deadline));
        await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
        await QuietPeriod.HoldsAsync(TimeSpan.FromMilliseconds(300), () => !File.Exists(second.LogPath), "no second attempt started by the runtime");

        Assert.NotNull(_rt.Runtime.StandbyOf(sandbox.PodUid, "main"));
    }

    [Fact]
    public async Task A_start_with_another_spec_stops_the_attempt_started_at_the_exit_and_starts_its_own()
    {
        var sandbox = await _rt.SandboxAsync("fast-other");
        var second = await RestartedAtExitAsync(sandbox, "fast-other", "echo run $$; sleep 0.3; exec sleep 100");

        var other = second with { Command = ["sh", "-c", "echo other; exec sleep 100"], LogPath = Path.Combine(_rt.LogDirectory, "fast-other-1b.log") };
        var started = await _rt.StartAsync(sandbox, other);

        Assert.Contains(" stdout F other", await EventuallyReadAsync(other.LogPath), StringComparison.Ordinal);
        // The init and the one sleep of the new attempt: the attempt started at the exit is gone.
        Assert.Equal(2, CgroupOf(sandbox).ReadPids().Count);
        await _rt.Runtime.StopAsync(started, TimeSpan.Zero, CancellationToken.None);
    }

    [Fact]
    public async Task An_attempt_the_agent_abandons_is_stopped()
    {
        var sandbox = await _rt.SandboxAsync("fast-abandon");
        var second = await RestartedAtExitAsync(sandbox, "fast-abandon", "sleep 0.3; echo up; exec sleep 100");

        _rt.Runtime.AbandonRestart(sandbox.PodUid, "main");

        await Eventually.TrueAsync(() => CgroupOf(sandbox).ReadPids().Count == 0, "the abandoned attempt stopped",
            () => string.Join(", ", CgroupOf(sandbox).ReadPids()), Deadline);
        Assert.Empty(CgroupOf(sandbox).ReadPids());
    }
}
