using Axolotl.Runtime;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// The next attempt of a container prepared while the current one runs (a standby): it runs on go
/// with its own log and exit code, gives way to a start with another spec, and ends with its pod.
/// </summary>
public sealed class ContainerStandbyTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    [Fact]
    public async Task A_prepared_attempt_runs_on_go_with_its_own_log_and_exit_code()
    {
        var sandbox = await _rt.SandboxAsync("standby-go");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "echo from the standby; exit 3") with { LogPath = Path.Combine(_rt.LogDirectory, "standby-go-1.log") };

        await _rt.Runtime.PrepareStandbyAsync(sandbox, spec, CancellationToken.None);
        var standby = _rt.Runtime.StandbyOf(sandbox.PodUid, "main");
        Assert.NotNull(standby);
        Assert.True(await standby.Ready.WaitAsync(Deadline));
        // Nothing of the attempt shows before it runs: no log, no process in its cgroup.
        Assert.False(File.Exists(spec.LogPath));

        var handle = await _rt.StartAsync(sandbox, spec);
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(standby.Process.Id, handle.Pid);
        Assert.Null(_rt.Runtime.StandbyOf(sandbox.PodUid, "main"));
        Assert.Equal(3, exit.ExitCode);
        Assert.Contains(" stdout F from the standby", await File.ReadAllTextAsync(spec.LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_with_another_environment_discards_the_standby_and_starts_afresh()
    {
        var sandbox = await _rt.SandboxAsync("standby-env");
        var prepared = _rt.Spec(sandbox, "main", "sh", "-c", "echo value=$VALUE") with { Environment = new Dictionary<string, string> { ["VALUE"] = "old" } };
        await _rt.Runtime.PrepareStandbyAsync(sandbox, prepared, CancellationToken.None);
        var standby = _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!;
        Assert.True(await standby.Ready.WaitAsync(Deadline));
        var standbyPid = standby.Process.Id;

        var handle = await _rt.StartAsync(sandbox, prepared with { Environment = new Dictionary<string, string> { ["VALUE"] = "new" } });
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, exit.ExitCode);
        Assert.NotEqual(standbyPid, handle.Pid);
        Assert.False(LinuxProcess.IsAlive(standbyPid));
        Assert.Contains(" stdout F value=new", await File.ReadAllTextAsync(prepared.LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_standby_that_cannot_set_up_leaves_the_start_error_to_the_start()
    {
        var sandbox = await _rt.SandboxAsync("standby-fail");
        var spec = _rt.Spec(sandbox, "main", "no-such-binary-axolotl");
        await _rt.Runtime.PrepareStandbyAsync(sandbox, spec, CancellationToken.None);
        Assert.False(await _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!.Ready.WaitAsync(Deadline));

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => _rt.StartAsync(sandbox, spec));

        Assert.Equal(127, error.ExitCode);
        Assert.Contains("executable file not found in $PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_the_pod_ends_its_standby()
    {
        var sandbox = await _rt.SandboxAsync("standby-end");
        await _rt.Runtime.PrepareStandbyAsync(sandbox, _rt.Spec(sandbox, "main", "sleep", "100"), CancellationToken.None);
        var standby = _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!;
        Assert.True(await standby.Ready.WaitAsync(Deadline));
        var pid = standby.Process.Id;

        await _rt.Runtime.RemoveSandboxAsync(sandbox, CancellationToken.None).WaitAsync(Deadline);

        Assert.False(LinuxProcess.IsAlive(pid));
        Assert.Null(_rt.Runtime.StandbyOf(sandbox.PodUid, "main"));
    }

    [Fact]
    public async Task A_start_prepares_the_attempt_after_it_and_a_quick_crash_is_answered_by_that_standby()
    {
        var sandbox = await _rt.SandboxAsync("standby-next");
        var first = _rt.Spec(sandbox, "main", "sh", "-c", "echo attempt $ATTEMPT; exit 1") with
        {
            Environment = new Dictionary<string, string> { ["ATTEMPT"] = "any" },
            LogPath = Path.Combine(_rt.LogDirectory, "standby-next-0.log"),
        };
        var second = first with { LogPath = Path.Combine(_rt.LogDirectory, "standby-next-1.log") };

        var handle = await _rt.StartAsync(sandbox, first with { NextAttempt = second });
        var standby = _rt.Runtime.StandbyOf(sandbox.PodUid, "main");
        Assert.NotNull(standby);
        Assert.Equal(1, (await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
        Assert.True(await standby.Ready.WaitAsync(Deadline));

        var restarted = await _rt.StartAsync(sandbox, second);

        Assert.Equal(standby.Process.Id, restarted.Pid);
        Assert.Equal(1, (await _rt.Runtime.WaitAsync(restarted, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
        Assert.Contains(" stdout F attempt any", await File.ReadAllTextAsync(second.LogPath), StringComparison.Ordinal);
    }
}
