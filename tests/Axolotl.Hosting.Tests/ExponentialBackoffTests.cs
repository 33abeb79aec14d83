namespace Axolotl.Hosting.Tests;

public class ExponentialBackoffTests
{
    [Fact]
    public void Backoff_doubles_to_its_cap_and_resets()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(30));

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalMilliseconds).ToList();

        Assert.Equal([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000], delays);
        backoff.Reset();
        Assert.Equal(TimeSpan.FromMilliseconds(800), backoff.Next());
    }
}
