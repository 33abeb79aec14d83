using Axolotl.Client.Queue;
using Axolotl.Testing;

namespace Axolotl.Client.Tests.Queue;

public class RateLimiterTests
{
    [Fact]
    public void The_per_item_limiter_doubles_from_5ms_up_to_1000s_and_forgetting_resets_it()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

        var delays = Enumerable.Range(0, 5).Select(_ => limiter.When("a").TotalMilliseconds).ToList();

        Assert.Equal([5, 10, 20, 40, 80], delays);
        Assert.Equal(5, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));

        for (var i = 0; i < 30; i++)
        {
            limiter.When("a");
        }
        Assert.Equal(TimeSpan.FromSeconds(1000), limiter.When("a"));

        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
    }

    [Fact]
    public void The_bucket_allows_a_burst_then_spaces_retries_at_the_rate_and_refills_with_time()
    {
        var time = new FakeTimeProvider();
        var limiter = new BucketRateLimiter<string>(qps: 10, burst: 100, time);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.When($"k{i}"));
        }
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("x"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), limiter.When("y"));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, limiter.When("z"));
    }

    [Fact]
    public void The_default_controller_limiter_takes_the_slower_of_both()
    {
        var time = new FakeTimeProvider();
        var limiter = RateLimiters.DefaultController<string>(time);

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("a"));
        for (var i = 0; i < 200; i++)
        {
            limiter.When($"burst{i}");
        }
        // The bucket is now 102 tokens in debt: 10.3 s for one more, more than the item's 5 ms.
        Assert.True(limiter.When("fresh") > TimeSpan.FromSeconds(10));
        Assert.Equal(1, limiter.NumRequeues("fresh"));
    }

    [Fact]
    public async Task A_rate_limited_add_arrives_after_the_limiters_delay()
    {
        var time = new FakeTimeProvider();
        using var queue = new RateLimitingQueue<string>(time);

        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        Assert.Equal(0, queue.Length);

        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.Length);
        Assert.Equal(2, queue.NumRequeues("a"));
        Assert.Equal("a", (await queue.GetAsync(CancellationToken.None)).Item);
    }
}
