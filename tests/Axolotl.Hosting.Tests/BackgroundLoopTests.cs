using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Hosting.Tests;

public class BackgroundLoopTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_restarting_loop_runs_its_body_again_after_a_doubling_backoff()
    {
        var loop = new TestLoop(LoopFailurePolicy.RestartWithBackoff, _time,
            (_, _) => throw new InvalidOperationException("one"),
            (_, _) => throw new InvalidOperationException("two"),
            (started, ct) =>
            {
                started.SetResult();
                return Task.Delay(Timeout.InfiniteTimeSpan, ct);
            });
        loop.Start(CancellationToken.None);

        await _time.WaitForTimersAsync().WaitAsync(Deadline);
        Assert.Equal(TimeSpan.FromSeconds(1), _time.NextDue);
        _time.Advance(TimeSpan.FromSeconds(1));
        await loop.Attempts[1].Task.WaitAsync(Deadline);
        await _time.WaitForTimersAsync().WaitAsync(Deadline);
        Assert.Equal(TimeSpan.FromSeconds(2), _time.NextDue);
        _time.Advance(TimeSpan.FromSeconds(2));
        await loop.Attempts[2].Task.WaitAsync(Deadline);

        Assert.Equal(2, loop.Restarts);
        await loop.StopAsync().WaitAsync(Deadline);
        Assert.True(loop.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_fail_fast_loop_faults_its_completion_with_the_error()
    {
        var loop = new TestLoop(LoopFailurePolicy.FailFast, _time, (_, _) => throw new InvalidOperationException("broken"));

        loop.Start(CancellationToken.None);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => loop.Completion.WaitAsync(Deadline));
        Assert.Equal("broken", e.Message);
        Assert.Equal(0, loop.Restarts);
    }

    [Fact]
    public async Task Host_shutdown_stops_the_loop()
    {
        using var host = new CancellationTokenSource();
        var loop = new TestLoop(LoopFailurePolicy.FailFast, _time, (started, ct) =>
        {
            started.SetResult();
            return Task.Delay(Timeout.InfiniteTimeSpan, ct);
        });
        loop.Start(host.Token);
        await loop.Attempts[0].Task.WaitAsync(Deadline);

        await host.CancelAsync();

        await loop.Completion.WaitAsync(Deadline);
        Assert.True(loop.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public void Starting_twice_is_refused()
    {
        var loop = new TestLoop(LoopFailurePolicy.FailFast, _time, (_, ct) => Task.Delay(Timeout.InfiniteTimeSpan, ct));
        loop.Start(CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => loop.Start(CancellationToken.None));
        _ = loop.StopAsync();
    }

    [Fact]
    public async Task Stopping_and_disposing_more_than_once_is_harmless()
    {
        var loop = new TestLoop(LoopFailurePolicy.FailFast, _time, (_, ct) => Task.Delay(Timeout.InfiniteTimeSpan, ct));
        loop.Start(CancellationToken.None);

        await loop.StopAsync().WaitAsync(Deadline);
        await loop.DisposeAsync();
        await loop.DisposeAsync();
        await loop.StopAsync().WaitAsync(Deadline);

        Assert.True(loop.Completion.IsCompletedSuccessfully);
    }

    private sealed class TestLoop : BackgroundLoop
    {
        private readonly Func<TaskCompletionSource, CancellationToken, Task>[] _bodies;
        private int _attempt;

        public TestLoop(LoopFailurePolicy policy, TimeProvider time, params Func<TaskCompletionSource, CancellationToken, Task>[] bodies)
            : base("test", policy, time, NullLogger.Instance)
        {
            _bodies = bodies;
            Attempts = bodies.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        }

        public TaskCompletionSource[] Attempts { get; }

        protected override Task ExecuteAsync(CancellationToken ct)
        {
            var attempt = _attempt++;
            if (attempt >= _bodies.Length)
            {
                return Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            try
            {
                return _bodies[attempt](Attempts[attempt], ct);
            }
            finally
            {
                Attempts[attempt].TrySetResult();
            }
        }
    }
}
