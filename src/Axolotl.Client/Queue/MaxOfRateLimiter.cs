namespace Axolotl.Client.Queue;

/// <summary>Asks every limiter and waits for the longest answer.</summary>
public sealed class MaxOfRateLimiter<T>(params IRateLimiter<T>[] limiters) : IRateLimiter<T>
{
    public TimeSpan When(T item)
    {
        var max = TimeSpan.Zero;
        foreach (var limiter in limiters)
        {
            var delay = limiter.When(item);
            if (delay > max)
            {
                max = delay;
            }
        }
        return max;
    }

    public void Forget(T item)
    {
        foreach (var limiter in limiters)
        {
            limiter.Forget(item);
        }
    }

    public int NumRequeues(T item) => limiters.Length == 0 ? 0 : limiters.Max(l => l.NumRequeues(item));
}
