using Axolotl.Agent.Pods;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Pods;

public sealed class PodLanesTests
{
    [Fact]
    public async Task Triggers_during_a_sync_collapse_into_one_pending_sync_and_never_overlap()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var maxRunning = 0;
        var calls = 0;
        var lanes = new PodLanes(async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            maxRunning = Math.Max(maxRunning, now);
            if (Interlocked.Increment(ref calls) == 1)
            {
                started.SetResult();
                await gate.Task;
            }
            Interlocked.Decrement(ref running);
        }, NullLogger.Instance, CancellationToken.None);

        lanes.Trigger("a");
        await started.Task;
        for (var i = 0; i < 10; i++)
        {
            lanes.Trigger("a");
        }
        gate.SetResult();
        await lanes.WhenIdleAsync("a");

        Assert.Equal(2, calls);
        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task Different_pods_sync_concurrently()
    {
        var bothInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inside = 0;
        var lanes = new PodLanes(async (_, ct) =>
        {
            if (Interlocked.Increment(ref inside) == 2)
            {
                bothInside.SetResult();
            }
            await bothInside.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }, NullLogger.Instance, CancellationToken.None);

        lanes.Trigger("a");
        lanes.Trigger("b");
        await lanes.WhenAllIdleAsync();

        Assert.True(bothInside.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_failing_sync_does_not_stop_the_lane()
    {
        var calls = 0;
        var lanes = new PodLanes((_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("boom");
        }, NullLogger.Instance, CancellationToken.None);

        lanes.Trigger("a");
        await lanes.WhenIdleAsync("a");
        lanes.Trigger("a");
        await lanes.WhenIdleAsync("a");

        Assert.Equal(2, calls);
    }
}
