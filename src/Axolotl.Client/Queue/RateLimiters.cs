namespace Axolotl.Client.Queue;

public static class RateLimiters
{
    /// <summary>
    /// client-go's DefaultControllerRateLimiter: per key 5 ms doubling to 1000 s, and overall 10 retries
    /// per second with bursts of 100, whichever is slower.
    /// </summary>
    public static IRateLimiter<T> DefaultController<T>(TimeProvider time)
        where T : notnull =>
        new MaxOfRateLimiter<T>(
            new ItemExponentialFailureRateLimiter<T>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new BucketRateLimiter<T>(qps: 10, burst: 100, time));
}
