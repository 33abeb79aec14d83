using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

public sealed class FakeRuntimeTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeRuntime _runtime;

    public FakeRuntimeTests() => _runtime = new FakeRuntime(_time);

    private static ContainerSpec Spec(string name, params string[] command) =>
        new("uid-1", name, command, new Dictionary<string, string>(), null, string.Empty);

    [Fact]
    public async Task A_container_runs_until_the_test_ends_it_with_an_exit_code()
    {
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "p", "p"), CancellationToken.None);
        var handle = await _runtime.StartAsync(sandbox, Spec("main", "app"), CancellationToken.None);
        var wait = _runtime.WaitAsync(handle, CancellationToken.None);

        Assert.False(wait.IsCompleted);
        _runtime.Exit(handle, 1);

        var exit = await wait;
        Assert.Equal(1, exit.ExitCode);
        Assert.Null(exit.Signal);
    }

    [Fact]
    public async Task A_scripted_exit_happens_when_the_clock_reaches_it()
    {
        _runtime.Behaviour = _ => new FakeContainerBehaviour(ExitAfter: TimeSpan.FromSeconds(5), ExitCode: 137, OomKilled: true);
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "p", "p"), CancellationToken.None);
        var handle = await _runtime.StartAsync(sandbox, Spec("main", "app"), CancellationToken.None);
        var wait = _runtime.WaitAsync(handle, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var exit = await wait;
        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(9, exit.Signal);
        Assert.True(exit.OomKilled);
    }

    [Fact]
    public async Task Stop_gives_143_and_a_container_that_ignores_sigterm_137_after_the_grace_period()
    {
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "p", "p"), CancellationToken.None);
        var polite = await _runtime.StartAsync(sandbox, Spec("polite", "app"), CancellationToken.None);
        _runtime.Behaviour = _ => new FakeContainerBehaviour(IgnoresSigterm: true);
        var stubborn = await _runtime.StartAsync(sandbox, Spec("stubborn", "app"), CancellationToken.None);

        await _runtime.StopAsync(polite, TimeSpan.FromSeconds(30), CancellationToken.None);
        var stopping = _runtime.StopAsync(stubborn, TimeSpan.FromSeconds(30), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(stopping.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await stopping;

        Assert.Equal(143, (await _runtime.WaitAsync(polite, CancellationToken.None)).ExitCode);
        Assert.Equal(137, (await _runtime.WaitAsync(stubborn, CancellationToken.None)).ExitCode);
        Assert.Empty(_runtime.Running);
    }

    [Fact]
    public async Task A_missing_executable_is_a_start_error_with_exit_127_and_exec_returns_the_handlers_code()
    {
        _runtime.MissingExecutables.Add("nope");
        _runtime.ExecHandler = (_, spec) =>
        {
            FakeRuntime.Write(spec.Stdout, "hi");
            return 3;
        };
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "p", "p"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<ContainerStartException>(() => _runtime.StartAsync(sandbox, Spec("bad", "nope"), CancellationToken.None));
        var handle = await _runtime.StartAsync(sandbox, Spec("main", "app"), CancellationToken.None);
        using var stdout = new MemoryStream();

        var result = await _runtime.ExecAsync(handle, new ExecSpec(["x"], false, null, stdout, null), CancellationToken.None);

        Assert.Equal(127, error.ExitCode);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("hi"u8.ToArray(), stdout.ToArray());
        Assert.Equal(handle, await _runtime.RecoverAsync(handle, CancellationToken.None));
        Assert.Null(await _runtime.RecoverAsync(handle with { Id = "gone" }, CancellationToken.None));
    }
}
