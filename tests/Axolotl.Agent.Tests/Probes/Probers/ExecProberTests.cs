using System.ComponentModel;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Api.Core;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Probes.Probers;

public sealed class ExecProberTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ExitZeroIsHealthyWithTheCommandOutput()
    {
        var runtime = new ScriptedExecRuntime((spec, _) =>
        {
            ScriptedExecRuntime.Write(spec.Stdout, "all good\n");
            return Task.FromResult(0);
        });

        var result = await Run(runtime, ExecProbe("cat", "/tmp/healthy"));

        Assert.Equal(ProbeResult.Success("all good\n"), result);
        Assert.Equal(["cat", "/tmp/healthy"], runtime.Commands.Single());
    }

    [Fact]
    public async Task ANonZeroExitFailsWithStdoutAndStderrTogether()
    {
        var runtime = new ScriptedExecRuntime((spec, _) =>
        {
            ScriptedExecRuntime.Write(spec.Stdout, "out ");
            ScriptedExecRuntime.Write(spec.Stderr ?? spec.Stdout, "cat: can't open '/tmp/healthy': No such file or directory\n");
            return Task.FromResult(1);
        });

        var result = await Run(runtime, ExecProbe("cat", "/tmp/healthy"));

        Assert.Equal(ProbeResult.Failure("out cat: can't open '/tmp/healthy': No such file or directory\n"), result);
    }

    [Fact]
    public async Task ASilentFailureSaysWhichCommandExitedWithWhatCode()
    {
        var runtime = new ScriptedExecRuntime((_, _) => Task.FromResult(3));

        var result = await Run(runtime, ExecProbe("test", "-f", "/tmp/ready"));

        Assert.Equal(ProbeResult.Failure("command 'test -f /tmp/ready' exited with 3"), result);
    }

    [Fact]
    public async Task OutputBeyondTenKibIsDroppedWithoutFailingTheCommand()
    {
        var runtime = new ScriptedExecRuntime((spec, _) =>
        {
            for (var i = 0; i < 100; i++)
            {
                ScriptedExecRuntime.Write(spec.Stdout, new string('y', 1000));
            }

            return Task.FromResult(0);
        });

        var result = await Run(runtime, ExecProbe("yes"));

        Assert.Equal(ProbeResult.Success(new string('y', 10 * 1024)), result);
    }

    [Fact]
    public async Task ATimeoutCancelsTheExecAndFailsInTheKubeletsWords()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runtime = new ScriptedExecRuntime(async (_, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled.SetResult();
                throw;
            }

            return 0;
        });
        using var runner = new ProbeRunner(runtime, _time);

        var probe = runner.RunAsync(ExecProbe("sh", "-c", "sleep 10; echo \"done\""), Target(), OneSecond, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(probe.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await probe;

        Assert.Equal(ProbeResult.Failure("command \"sh -c sleep 10; echo \\\"done\\\"\" timed out"), result);
        // The probe does not wait for the exec to end, so its cancellation may land just after the result.
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ARuntimeThatIgnoresCancellationStillCannotHoldTheProbePastItsTimeout()
    {
        var never = new TaskCompletionSource<int>();
        var runtime = new ScriptedExecRuntime((_, _) => never.Task);
        using var runner = new ProbeRunner(runtime, _time);

        var probe = runner.RunAsync(ExecProbe("sleep", "100"), Target(), OneSecond, CancellationToken.None);
        _time.Advance(OneSecond);
        var result = await probe;

        Assert.Equal(ProbeResult.Failure("command \"sleep 100\" timed out"), result);
    }

    [Fact]
    public async Task CancellingTheCallerTokenThrowsAndCancelsTheExec()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runtime = new ScriptedExecRuntime(async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        });
        using var runner = new ProbeRunner(runtime, _time);
        using var cts = new CancellationTokenSource();

        var probe = runner.RunAsync(ExecProbe("sleep", "100"), Target(), OneSecond, cts.Token);
        await started.Task;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);
    }

    [Fact]
    public async Task AMissingExecutableIsAFailureThatNamesIt()
    {
        var runtime = new ScriptedExecRuntime((_, _) => throw new Win32Exception(2, "An error occurred trying to start process 'healthcheck'. No such file or directory"));

        var result = await Run(runtime, ExecProbe("healthcheck"));

        Assert.Equal(ProbeResult.Failure("exec: \"healthcheck\": executable file not found in $PATH"), result);
    }

    [Fact]
    public async Task AContainerThatIsNotRunningIsAFailureNotAnException()
    {
        var fake = new FakeRuntime(_time);
        using var runner = new ProbeRunner(fake, _time);

        var result = await runner.RunAsync(ExecProbe("true"), Target(), OneSecond, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure("failed to exec in container: container app is not running"), result);
    }

    [Fact]
    public async Task EnvReferencesExpandFromTheContainersLiteralEnvOnly()
    {
        var runtime = new ScriptedExecRuntime((_, _) => Task.FromResult(0));
        var target = Target();
        target.Container.Env =
        [
            new EnvVar { Name = "FILE", Value = "/tmp/ready" },
            new EnvVar { Name = "SECRET", ValueFrom = new EnvVarSource() },
        ];
        using var runner = new ProbeRunner(runtime, _time);

        await runner.RunAsync(ExecProbe("test", "-f", "$(FILE)", "[$(SECRET)]", "$(UNSET)", "$$(FILE)"), target, OneSecond, CancellationToken.None);

        Assert.Equal(["test", "-f", "/tmp/ready", "[]", "$(UNSET)", "$(FILE)"], runtime.Commands.Single());
    }

    private async Task<ProbeResult> Run(ScriptedExecRuntime runtime, Probe probe)
    {
        using var runner = new ProbeRunner(runtime, _time);
        return await runner.RunAsync(probe, Target(), OneSecond, CancellationToken.None);
    }

    private static ProbeTarget Target() => ProbeTestServer.Target();

    private static Probe ExecProbe(params string[] command) => new() { Exec = new ExecAction { Command = [.. command] } };
}
