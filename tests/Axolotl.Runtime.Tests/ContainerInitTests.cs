using Axolotl.Runtime;
using Axolotl.Runtime.Logs;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// The launcher's PID 1 as the container's init (container-init.c): what tini -s did (signals to the
/// command, orphans reaped, the command's code), under a name of its own that shows nothing of the node.
/// </summary>
public sealed class ContainerInitTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    [Fact]
    public async Task Pid_1_shows_as_axolotl_init_with_the_command_and_no_path_of_the_node()
    {
        var sandbox = await _rt.SandboxAsync("init-name");
        const string script = "tr '\\000' ' ' </proc/1/cmdline; echo; cat /proc/1/comm";
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", script);

        var exit = await RunAsync(sandbox, spec);

        var output = await OutputAsync(spec);
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(["axolotl-init -- sh -c " + script + " ", "axolotl-init"], output);
        Assert.DoesNotContain(output, line => line.Contains(_rt.Options.StateDirectory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Orphans_of_the_command_are_reaped_by_pid_1()
    {
        var sandbox = await _rt.SandboxAsync("init-reap");
        // The subshell ends at once, so its sleep is an orphan: PID 1's child from then on.
        var spec = _rt.Spec(sandbox, "main", "sh", "-c",
            "( sleep 0.1 & ); sleep 0.8; grep -l 'Z (zombie)' /proc/[0-9]*/status; echo done");

        var exit = await RunAsync(sandbox, spec);

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(["done"], await OutputAsync(spec));
    }

    [Fact]
    public async Task A_signal_to_pid_1_reaches_the_command_and_its_code_comes_back()
    {
        var sandbox = await _rt.SandboxAsync("init-signal");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "trap 'echo got-usr1; exit 7' USR1; echo ready; while :; do sleep 0.05; done");
        var handle = await _rt.StartAsync(sandbox, spec);
        await Eventually.UntilAsync(() => OutputAsync(spec), lines => lines.Contains("ready"), "the command's \"ready\" line", lines => string.Join("\n", lines));
        var init = ProcessRuntime.FindInit(Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main"));
        Assert.NotNull(init);

        Assert.True(Native.Kill(init.Value, 10));
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(7, exit.ExitCode);
        Assert.Equal(["ready", "got-usr1"], await OutputAsync(spec));
    }

    [Fact]
    public async Task A_command_killed_by_a_signal_exits_with_128_plus_its_number()
    {
        var sandbox = await _rt.SandboxAsync("init-killed");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "kill -KILL $$");

        var exit = await RunAsync(sandbox, spec);

        Assert.Equal(137, exit.ExitCode);
    }

    private async Task<ContainerExit> RunAsync(PodSandbox sandbox, ContainerSpec spec)
    {
        var handle = await _rt.StartAsync(sandbox, spec);
        return await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
    }

    private static async Task<List<string>> OutputAsync(ContainerSpec spec) =>
        File.Exists(spec.LogPath)
            ? (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).Where(r => r.Stream == "stdout").Select(r => r.Text).ToList()
            : [];
}
