namespace Axolotl.Client.Queue;

/// <summary>Per-key exponential backoff: baseDelay × 2^failures, capped at maxDelay.</summary>
public sealed class ItemExponentialFailureRateLimiter<T>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<T>
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<T, int> _failures = [];

    public TimeSpan When(T item)
    {
        int exponent;
        lock (_lock)
        {
            exponent = _failures.GetValueOrDefault(item);
            _failures[item] = exponent + 1;
        }
        var delay = baseDelay.TotalSeconds * Math.Pow(2, exponent);
        return delay >= maxDelay.TotalSeconds || double.IsInfinity(delay) ? maxDelay : TimeSpan.FromSeconds(delay);
    }

    public void Forget(T item)
    {
        lock (_lock)
        {
            _failures.Remove(item);
        }
    }

    public int NumRequeues(T item)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(item);
        }
    }
}
