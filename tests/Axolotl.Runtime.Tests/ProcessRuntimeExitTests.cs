using Axolotl.Runtime;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>Exit codes, signals, OOM kills and limits, for either launcher (see <see cref="NativeLauncherExitTests"/>).</summary>
public abstract class ProcessRuntimeExitTests(bool nativeLauncher) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly RuntimeFixture _rt = new(nativeLauncher);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 1", 1)]
    [InlineData("exit 42", 42)]
    public async Task The_exit_code_of_the_command_passes_through_the_init_unchanged(string script, int expected)
    {
        var sandbox = await _rt.SandboxAsync("exit-code");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sh", "-c", script));

        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(expected, exit.ExitCode);
        Assert.Null(exit.Signal);
        Assert.False(exit.OomKilled);
    }

    [Fact]
    public async Task A_missing_executable_is_a_start_error_with_exit_127()
    {
        var sandbox = await _rt.SandboxAsync("missing");

        var error = await Assert.ThrowsAsync<ContainerStartException>(
            () => _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "no-such-binary-axolotl")));

        Assert.Equal(127, error.ExitCode);
        Assert.Contains("executable file not found in $PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kill_9_from_outside_gives_137_and_signal_9_but_is_not_an_oom_kill()
    {
        var sandbox = await _rt.SandboxAsync("kill9");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sleep", "100"));
        var sleepPid = await WaitForProcessAsync(sandbox, "main", "sleep");

        Assert.True(Native.Kill(sleepPid, 9));
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(9, exit.Signal);
        Assert.False(exit.OomKilled);
    }

    [Fact]
    public async Task Stop_sends_sigterm_that_a_trapping_process_answers_with_143()
    {
        var sandbox = await _rt.SandboxAsync("term");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sh", "-c", "trap 'exit 143' TERM; sleep 100 & wait"));
        await WaitForProcessAsync(sandbox, "main", "sleep");

        await _rt.Runtime.StopAsync(handle, TimeSpan.FromSeconds(10), CancellationToken.None).WaitAsync(Deadline);
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None);

        Assert.Equal(143, exit.ExitCode);
        Assert.Equal(15, exit.Signal);
        Assert.False(exit.OomKilled);
    }

    [Fact]
    public async Task A_process_that_ignores_sigterm_is_killed_when_the_grace_period_ends()
    {
        var sandbox = await _rt.SandboxAsync("ignore-term");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sh", "-c", "trap '' TERM; while :; do sleep 1; done"));
        await WaitForProcessAsync(sandbox, "main", "sleep");
        var started = TimeProvider.System.GetTimestamp();

        await _rt.Runtime.StopAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(Deadline);
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None);

        Assert.Equal(137, exit.ExitCode);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.9));
        Assert.Empty(Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main").ReadPids());
    }

    [Fact]
    public async Task A_command_over_its_memory_limit_is_oom_killed_with_137()
    {
        var sandbox = await _rt.SandboxAsync("oom");
        var spec = _rt.Spec(sandbox, "main", "tail", "/dev/zero") with { MemoryLimitBytes = 32L * 1024 * 1024 };
        var handle = await _rt.StartAsync(sandbox, spec);

        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(9, exit.Signal);
        Assert.True(exit.OomKilled);
        Assert.False(Directory.Exists($"/sys/fs/cgroup/memory/{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main"));
    }

    [Fact]
    public async Task Pids_max_stops_a_fork_bomb()
    {
        var sandbox = await _rt.SandboxAsync("forkbomb");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "(i=0; while [ $i -lt 200 ]; do sleep 60 & i=$((i+1)); done; wait); echo survived; sleep 100") with { PidsMax = 16 };
        var handle = await _rt.StartAsync(sandbox, spec);
        var cgroup = Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main");

        var log = await WaitForLogAsync(spec.LogPath, "survived");

        Assert.Contains("fork", log, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(cgroup.ReadPids().Count, 1, 16);
        await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None).WaitAsync(Deadline);
        Assert.False(Directory.Exists($"/sys/fs/cgroup/pids/{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main"));
    }

    [Fact]
    public async Task A_cpu_limit_of_200m_throttles_a_busy_loop()
    {
        var sandbox = await _rt.SandboxAsync("cpu");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "while :; do :; done") with { CpuLimitMillicores = 200, CpuRequestMillicores = 100 };
        var handle = await _rt.StartAsync(sandbox, spec);
        var before = await _rt.Runtime.StatsAsync(handle, CancellationToken.None);
        var started = TimeProvider.System.GetTimestamp();

        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await _rt.Runtime.StatsAsync(handle, CancellationToken.None);
        var wall = TimeProvider.System.GetElapsedTime(started);

        Assert.NotNull(before);
        Assert.NotNull(after);
        var ratio = (after.CpuUsageNanoseconds - before.CpuUsageNanoseconds) / (wall.TotalMilliseconds * 1_000_000);
        Assert.InRange(ratio, 0.05, 0.4);
        Assert.True(after.ThrottledPeriods > 0);
        Assert.True(after.ThrottledNanoseconds > 0);
        Assert.True(after.MemoryWorkingSetBytes > 0);
        Assert.Equal("20000", File.ReadAllText($"/sys/fs/cgroup/cpu/{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main/cpu.cfs_quota_us").Trim());
        Assert.Equal("102", File.ReadAllText($"/sys/fs/cgroup/cpu/{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main/cpu.shares").Trim());
        // The node's pods together weigh as its allocatable CPUs, as the kubelet's kubepods cgroup.
        Assert.Equal((Environment.ProcessorCount * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            File.ReadAllText($"/sys/fs/cgroup/cpu/{_rt.Options.CgroupRoot}/cpu.shares").Trim());
    }

    internal static Task<string> WaitForLogAsync(string path, string text) =>
        Eventually.UntilAsync(async () => File.Exists(path) ? await File.ReadAllTextAsync(path) : "", content => content.Contains(text, StringComparison.Ordinal),
            $"'{text}' in {path}", content => content.Length > 0 ? content : "(no file, or empty)", Deadline);

    private async Task<int> WaitForProcessAsync(PodSandbox sandbox, string container, string comm)
    {
        var cgroup = Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/{container}");
        int? Find()
        {
            foreach (var pid in cgroup.ReadPids())
            {
                try
                {
                    if (File.ReadAllText($"/proc/{pid}/comm").Trim() == comm)
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                }
            }
            return null;
        }

        return (await Eventually.UntilAsync(() => Task.FromResult(Find()), pid => pid is not null, $"a {comm} process in {container}", timeout: Deadline))!.Value;
    }
}
