namespace Axolotl.Client.Queue;

/// <summary>
/// An overall token bucket shared by every key: up to <c>burst</c> retries at once, then <c>qps</c> per
/// second. Each call reserves a token and returns how long until that token exists.
/// </summary>
public sealed class BucketRateLimiter<T> : IRateLimiter<T>
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _qps;
    private readonly double _burst;
    private double _tokens;
    private long _last;

    public BucketRateLimiter(double qps, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _qps = qps;
        _burst = burst;
        _tokens = burst;
        _time = time;
        _last = time.GetTimestamp();
    }

    public TimeSpan When(T item)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var elapsed = (now - _last) / (double)_time.TimestampFrequency;
            _last = now;
            _tokens = Math.Min(_burst, _tokens + elapsed * _qps);
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _qps);
        }
    }

    public void Forget(T item)
    {
    }

    public int NumRequeues(T item) => 0;
}
