using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Hosting.Tests;

public class DelegateLoopTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task The_body_runs_off_the_start_path_until_the_host_stops()
    {
        using var host = new CancellationTokenSource();
        using var startReturned = new ManualResetEventSlim();
        var running = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        // A body that ran on the caller's path would wait for the start to return and time out.
        var loop = DelegateLoop.StartNew("body", LoopFailurePolicy.FailFast, async ct =>
        {
            running.SetResult(startReturned.Wait(Deadline, ct));
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct);
        }, _time, NullLogger.Instance, host.Token);
        startReturned.Set();
        Assert.True(await running.Task.WaitAsync(Deadline));
        await host.CancelAsync();

        await loop.Completion.WaitAsync(Deadline);
        Assert.True(loop.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_failing_body_is_restarted_under_the_chosen_policy()
    {
        var calls = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = new DelegateLoop("body", LoopFailurePolicy.RestartWithBackoff, ct =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new IOException("gone");
            }
            second.TrySetResult();
            return Task.Delay(Timeout.InfiniteTimeSpan, _time, ct);
        }, _time, NullLogger.Instance)
        {
            InitialBackoff = TimeSpan.FromSeconds(5),
        };
        loop.Start(CancellationToken.None);

        await _time.WaitForTimersAsync().WaitAsync(Deadline);
        Assert.Equal(TimeSpan.FromSeconds(5), _time.NextDue);
        _time.Advance(TimeSpan.FromSeconds(5));
        await second.Task.WaitAsync(Deadline);

        Assert.Equal(1, loop.Restarts);
        await loop.DisposeAsync();
    }
}
