using Axolotl.Runtime;

namespace Axolotl.Runtime.Tests;

public sealed class PlainProcessRuntimeTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly ProcessRuntimeOptions _options = new()
    {
        StateDirectory = Path.Combine("/var/tmp", "axolotl-plain-tests", Guid.NewGuid().ToString("N")),
        NodeAddress = "127.0.0.1",
        MemoryPollInterval = TimeSpan.FromMilliseconds(20),
    };

    private readonly PlainProcessRuntime _runtime;

    public PlainProcessRuntimeTests() => _runtime = new PlainProcessRuntime(_options, "test");

    public void Dispose() => Directory.Delete(_options.StateDirectory, recursive: true);

    private ContainerSpec Spec(string name, params string[] command) =>
        new("uid-plain", name, command, new Dictionary<string, string>(), null, Path.Combine(_options.StateDirectory, name + ".log"));

    [Fact]
    public async Task The_fallback_announces_itself_and_passes_exit_codes_and_logs_through()
    {
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-plain", "default", "p", "p"), CancellationToken.None);
        var spec = Spec("main", "sh", "-c", "echo plain-out; exit 3");
        var handle = await _runtime.StartAsync(sandbox, spec, CancellationToken.None);

        var exit = await _runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.StartsWith("plain processes, host network", _runtime.Mode, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", sandbox.Ip);
        Assert.Equal(3, exit.ExitCode);
        Assert.Equal("plain-out\n", await File.ReadAllTextAsync(spec.LogPath));
        await _runtime.RemoveSandboxAsync(sandbox, CancellationToken.None);
    }

    [Theory]
    [InlineData(true, "-10")]
    [InlineData(false, "0")]
    public async Task A_probe_exec_runs_at_a_higher_priority_than_other_execs(bool prompt, string expectedNice)
    {
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-plain", "default", "p", "p"), CancellationToken.None);
        var handle = await _runtime.StartAsync(sandbox, Spec("main", "sleep", "100"), CancellationToken.None);
        var stdout = new MemoryStream();

        // Field 19 of /proc/PID/stat is the nice value; the forked child of sh inherits it as the command would.
        var result = await _runtime.ExecAsync(handle, new ExecSpec(["sh", "-c", "cut -d' ' -f19 /proc/self/stat"], false, null, stdout, null, Prompt: prompt),
            CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expectedNice, System.Text.Encoding.ASCII.GetString(stdout.ToArray()).Trim());
        await _runtime.StopAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(Deadline);
        await _runtime.RemoveSandboxAsync(sandbox, CancellationToken.None);
    }

    [Fact]
    public async Task The_fallback_kills_a_process_above_its_memory_limit_and_reports_oomkilled()
    {
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-plain", "default", "p", "p"), CancellationToken.None);
        var handle = await _runtime.StartAsync(sandbox, Spec("oom", "tail", "/dev/zero") with { MemoryLimitBytes = 32L * 1024 * 1024 }, CancellationToken.None);

        var exit = await _runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(137, exit.ExitCode);
        Assert.True(exit.OomKilled);
    }

    [Fact]
    public async Task The_fallback_stops_with_sigterm_then_sigkill()
    {
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-plain", "default", "p", "p"), CancellationToken.None);
        var polite = await _runtime.StartAsync(sandbox, Spec("polite", "sleep", "100"), CancellationToken.None);
        var stubborn = await _runtime.StartAsync(sandbox, Spec("stubborn", "sh", "-c", "trap '' TERM; while :; do sleep 1; done"), CancellationToken.None);

        await _runtime.StopAsync(polite, TimeSpan.FromSeconds(10), CancellationToken.None).WaitAsync(Deadline);
        await _runtime.StopAsync(stubborn, TimeSpan.FromMilliseconds(300), CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(143, (await _runtime.WaitAsync(polite, CancellationToken.None)).ExitCode);
        Assert.Equal(137, (await _runtime.WaitAsync(stubborn, CancellationToken.None)).ExitCode);
    }
}
