using Axolotl.Scheduler.Queue;
using Axolotl.Testing;

namespace Axolotl.Scheduler.Tests;

public sealed class SchedulingQueueTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Pods_come_out_in_the_order_they_were_added_and_only_once()
    {
        using var queue = new SchedulingQueue(_time);
        queue.Add("ns/a");
        queue.Add("ns/b");
        queue.Add("ns/a");
        Assert.Equal("ns/a", await queue.PopAsync(CancellationToken.None));
        Assert.Equal("ns/b", await queue.PopAsync(CancellationToken.None));
        Assert.Equal(0, queue.ActiveCount);
    }

    [Fact]
    public async Task Higher_priority_pods_come_out_first_and_equal_priorities_in_the_order_they_became_active()
    {
        using var queue = new SchedulingQueue(_time);
        queue.Add("ns/low", 0);
        queue.Add("ns/first", 100);
        queue.Add("ns/high", 1000);
        queue.Add("ns/second", 100);
        // A pod whose priority is learned while it waits moves to its place.
        queue.Add("ns/late", 0);
        queue.Add("ns/late", 500);

        var order = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            order.Add(await queue.PopAsync(CancellationToken.None));
        }

        Assert.Equal(["ns/high", "ns/late", "ns/first", "ns/second", "ns/low"], order);
    }

    [Fact]
    public async Task A_pod_back_from_backoff_keeps_its_priority()
    {
        using var queue = new SchedulingQueue(_time);
        queue.Add("ns/high", 1000);
        await queue.PopAsync(CancellationToken.None);
        queue.AddBackoff("ns/high");
        queue.Add("ns/low", 0);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("ns/high", await queue.PopAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_unschedulable_pod_waits_for_a_cluster_change_then_for_its_backoff()
    {
        using var queue = new SchedulingQueue(_time);
        queue.Add("ns/a");
        await queue.PopAsync(CancellationToken.None);
        queue.AddUnschedulable("ns/a");
        Assert.Equal(1, queue.UnschedulableCount);

        _time.Advance(TimeSpan.FromMilliseconds(400));
        queue.MoveAllToActiveOrBackoff();
        Assert.Equal(1, queue.BackoffCount);
        _time.Advance(TimeSpan.FromMilliseconds(599));
        Assert.Equal(0, queue.ActiveCount);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.ActiveCount);
    }

    [Fact]
    public async Task A_cluster_change_during_the_attempt_sends_the_pod_to_backoff_instead_of_unschedulable()
    {
        using var queue = new SchedulingQueue(_time);
        queue.Add("ns/a");
        await queue.PopAsync(CancellationToken.None);
        queue.MoveAllToActiveOrBackoff();
        queue.AddUnschedulable("ns/a");
        Assert.Equal(0, queue.UnschedulableCount);
        Assert.Equal(1, queue.BackoffCount);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 10)]
    [InlineData(20, 10)]
    public void Backoff_doubles_from_one_second_up_to_ten(int attempts, int seconds)
    {
        using var queue = new SchedulingQueue(_time);
        Assert.Equal(TimeSpan.FromSeconds(seconds), queue.BackoffFor(attempts));
    }

    [Fact]
    public async Task Pods_unschedulable_for_five_minutes_are_retried_without_any_change()
    {
        using var queue = new SchedulingQueue(_time);
        queue.Add("ns/a");
        await queue.PopAsync(CancellationToken.None);
        queue.AddUnschedulable("ns/a");
        _time.Advance(TimeSpan.FromMinutes(4));
        queue.FlushUnschedulableLeftover();
        Assert.Equal(1, queue.UnschedulableCount);
        _time.Advance(TimeSpan.FromMinutes(1));
        queue.FlushUnschedulableLeftover();
        Assert.Equal(1, queue.ActiveCount);
    }

    [Fact]
    public async Task A_deleted_pod_leaves_every_queue()
    {
        using var queue = new SchedulingQueue(_time);
        queue.Add("ns/a");
        await queue.PopAsync(CancellationToken.None);
        queue.AddBackoff("ns/a");
        Assert.Equal(1, queue.BackoffCount);
        queue.Delete("ns/a");
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, queue.ActiveCount);
        Assert.Equal(0, queue.BackoffCount);
    }

    [Fact]
    public async Task Pop_waits_for_an_add_and_returns_null_after_shutdown()
    {
        using var queue = new SchedulingQueue(_time);
        var waiting = queue.PopAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        queue.Add("ns/a");
        Assert.Equal("ns/a", await waiting);
        var next = queue.PopAsync(CancellationToken.None);
        queue.ShutDown();
        Assert.Null(await next);
    }

    [Fact]
    public async Task The_backoff_and_unschedulable_counts_follow_every_move()
    {
        using var queue = new SchedulingQueue(_time);
        foreach (var key in new[] { "ns/a", "ns/b", "ns/c", "ns/d" })
        {
            queue.Add(key);
        }
        var a = await queue.PopAsync(CancellationToken.None);
        var b = await queue.PopAsync(CancellationToken.None);
        queue.AddUnschedulable(a!);
        queue.AddUnschedulable(b!);
        Assert.Equal((2, 2, 0), (queue.ActiveCount, queue.UnschedulableCount, queue.BackoffCount));

        queue.MoveToActiveOrBackoff(key => key == "ns/a");
        Assert.Equal((2, 1, 1), (queue.ActiveCount, queue.UnschedulableCount, queue.BackoffCount));

        queue.Delete("ns/b");
        queue.Delete("ns/c");
        Assert.Equal((1, 0, 1), (queue.ActiveCount, queue.UnschedulableCount, queue.BackoffCount));

        _time.Advance(queue.BackoffFor(1));
        Assert.Equal((2, 0, 0), (queue.ActiveCount, queue.UnschedulableCount, queue.BackoffCount));
        queue.MoveAllToActiveOrBackoff();
        Assert.Equal((2, 0, 0), (queue.ActiveCount, queue.UnschedulableCount, queue.BackoffCount));
    }

    [Fact]
    public async Task A_cancelled_scheduler_takes_no_more_pods_even_when_some_are_ready()
    {
        using var queue = new SchedulingQueue(_time);
        queue.Add("ns/a");
        queue.Add("ns/b");
        using var lostLease = new CancellationTokenSource();
        await lostLease.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.PopAsync(lostLease.Token));

        Assert.Equal(2, queue.ActiveCount);
        Assert.Equal("ns/a", await queue.PopAsync(CancellationToken.None));
    }
}
