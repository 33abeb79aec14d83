using EchoOperator.Controller;

namespace EchoOperator.Tests;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task A_key_added_while_it_waits_is_queued_once_and_again_once_it_was_taken()
    {
        var queue = new WorkQueue(TimeProvider.System);
        var a = new ObjectKey("echo", "a");
        var b = new ObjectKey("echo", "b");
        queue.Add(a);
        queue.Add(b);
        queue.Add(a);

        Assert.Equal(a, await queue.TakeAsync(CancellationToken.None));
        queue.Add(a);
        Assert.Equal(b, await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(a, await queue.TakeAsync(CancellationToken.None));
        using var none = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(none.Token));
    }

    [Fact]
    public void Retries_of_a_failing_key_back_off_doubling_up_to_a_minute_and_success_forgets_them()
    {
        using var stop = new CancellationTokenSource();
        var queue = new WorkQueue(TimeProvider.System);
        var key = new ObjectKey("echo", "a");

        var delays = Enumerable.Range(0, 12).Select(_ => queue.Retry(key, stop.Token).TotalMilliseconds).ToArray();
        Assert.Equal([200, 400, 800, 1600], delays[..4]);
        Assert.Equal(60_000, delays[^1]);
        queue.Forget(key);
        Assert.Equal(200, queue.Retry(key, stop.Token).TotalMilliseconds);
        stop.Cancel();
    }
}
