using Axolotl.Client.Queue;
using Axolotl.Testing;

namespace Axolotl.Client.Tests.Queue;

public sealed class WorkQueueTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly WorkQueue<string> _queue;

    public WorkQueueTests()
    {
        _queue = new WorkQueue<string>(_time);
    }

    [Fact]
    public async Task A_key_added_twice_before_it_is_taken_is_handed_out_once()
    {
        _queue.Add("a");
        _queue.Add("b");
        _queue.Add("a");

        Assert.Equal(2, _queue.Length);
        Assert.Equal("a", (await _queue.GetAsync(CancellationToken.None)).Item);
        Assert.Equal("b", (await _queue.GetAsync(CancellationToken.None)).Item);
        Assert.Equal(0, _queue.Length);
    }

    [Fact]
    public async Task A_key_added_while_being_processed_waits_until_Done_and_is_then_requeued_once()
    {
        _queue.Add("a");
        var (item, _) = await _queue.GetAsync(CancellationToken.None);

        _queue.Add("a");
        _queue.Add("a");
        var second = _queue.GetAsync(CancellationToken.None);

        Assert.Equal(0, _queue.Length);
        Assert.False(second.IsCompleted);

        _queue.Done(item);

        Assert.Equal("a", (await second.WaitAsync(TimeSpan.FromSeconds(10))).Item);
        _queue.Done("a");
        Assert.Equal(0, _queue.Length);
    }

    [Fact]
    public async Task A_waiting_worker_gets_a_key_as_soon_as_it_is_added()
    {
        var waiting = _queue.GetAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        _queue.Add("a");

        Assert.Equal(("a", false), await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AddAfter_adds_the_key_only_when_the_clock_reaches_the_delay()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(5));
        Assert.Equal(0, _queue.Length);
        Assert.Equal(1, _queue.DelayedCount);

        _time.Advance(TimeSpan.FromSeconds(4.999));
        Assert.Equal(0, _queue.Length);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _queue.Length);
        Assert.Equal(0, _queue.DelayedCount);
        Assert.Equal("a", (await _queue.GetAsync(CancellationToken.None)).Item);
    }

    [Fact]
    public void The_earlier_of_two_delays_for_the_same_key_wins()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));
        _queue.AddAfter("a", TimeSpan.FromSeconds(2));
        _queue.AddAfter("a", TimeSpan.FromSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, _queue.Length);
        Assert.Equal(0, _queue.DelayedCount);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task After_shutdown_adds_are_ignored_the_rest_is_drained_and_then_shutdown_is_reported()
    {
        _queue.Add("a");
        _queue.AddAfter("later", TimeSpan.FromSeconds(1));
        _queue.ShutDown();
        _queue.Add("b");

        Assert.Equal(("a", false), await _queue.GetAsync(CancellationToken.None));
        Assert.True((await _queue.GetAsync(CancellationToken.None)).Shutdown);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task Shutdown_wakes_idle_workers()
    {
        var waiting = _queue.GetAsync(CancellationToken.None);

        _queue.ShutDown();

        Assert.True((await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Shutdown);
    }

    [Fact]
    public async Task A_cancelled_wait_does_not_swallow_a_later_key()
    {
        using var cts = new CancellationTokenSource();
        var cancelled = _queue.GetAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        _queue.Add("a");

        Assert.Equal(1, _queue.Length);
        Assert.Equal("a", (await _queue.GetAsync(CancellationToken.None)).Item);
    }

    public void Dispose() => _queue.Dispose();

    [Fact]
    public async Task A_cancelled_worker_takes_no_key_and_leaves_it_for_the_next()
    {
        _queue.Add("a");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _queue.GetAsync(cts.Token));

        Assert.Equal(("a", false), await _queue.GetAsync(CancellationToken.None));
    }
}
