namespace Axolotl.Client.Queue;

/// <summary>A <see cref="WorkQueue{T}"/> that retries keys after a delay chosen by a rate limiter.</summary>
public sealed class RateLimitingQueue<T>(IRateLimiter<T> rateLimiter, TimeProvider time) : WorkQueue<T>(time)
    where T : notnull
{
    public RateLimitingQueue(TimeProvider time)
        : this(RateLimiters.DefaultController<T>(time), time)
    {
    }

    /// <summary>Adds the key after the limiter's delay; each call counts as one more failure.</summary>
    public void AddRateLimited(T item)
    {
        Metrics?.Retried();
        AddAfter(item, rateLimiter.When(item));
    }

    /// <summary>Clears the key's failure history (call after a success).</summary>
    public void Forget(T item) => rateLimiter.Forget(item);

    public int NumRequeues(T item) => rateLimiter.NumRequeues(item);
}
