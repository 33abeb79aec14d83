using System.Diagnostics;
using Axolotl.Runtime;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// The go for a standby still setting up (a container that crashed within milliseconds of its start):
/// written at once, it waits in the launcher's stdin and is read as soon as the set-up is done; a standby
/// that must not run after all is killed, go and all. A shell stands in for the launcher's protocol.
/// </summary>
public sealed class StandbyEarlyGoTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static ContainerStandby Begin(string script) =>
        Started(() => Process.Start(new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardInput = true, RedirectStandardOutput = true })!);

    private static ContainerStandby Started(Func<Process> start)
    {
        var launch = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var standby = ContainerStandby.Begin(
            new ContainerSpec("pod", "main", ["true"], new Dictionary<string, string>(), null, "/nonexistent/main.log"),
            "id", Path.Combine(Path.GetTempPath(), $"standby-early-{Guid.NewGuid():N}.exit"), launch);
        ContainerStandby.Launch(launch, start);
        return standby;
    }

    [Fact]
    public async Task A_go_written_before_the_standby_is_ready_is_read_once_it_is()
    {
        var standby = Begin("sleep 0.3; echo standby; read line; echo \"after set-up: $line\"");

        Assert.True(await standby.GoEarlyAsync().WaitAsync(Deadline));
        Assert.True(await standby.Ready.WaitAsync(Deadline));

        Assert.Equal("after set-up: go", await standby.Process.StandardOutput.ReadLineAsync().WaitAsync(Deadline));
        await standby.Process.WaitForExitAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_standby_given_an_early_go_is_killed_when_it_must_not_run()
    {
        // exec: the launcher itself waits (a real one takes its PID 1 along by PR_SET_PDEATHSIG).
        var standby = Begin("exec sleep 30");
        Assert.True(await standby.GoEarlyAsync().WaitAsync(Deadline));

        standby.Kill();

        await standby.Process.WaitForExitAsync().WaitAsync(Deadline);
        Assert.False(await standby.Ready.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_standby_whose_launcher_never_started_hears_no_go()
    {
        var standby = Started(() => throw new InvalidOperationException("no launcher"));

        Assert.False(await standby.GoEarlyAsync().WaitAsync(Deadline));
        Assert.False(await standby.Ready.WaitAsync(Deadline));
        standby.Kill();
    }
}
