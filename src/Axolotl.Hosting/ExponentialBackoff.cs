namespace Axolotl.Hosting;

/// <summary>Doubling delays from an initial value up to a cap; <see cref="Reset"/> after a success. Not thread-safe.</summary>
public sealed class ExponentialBackoff(TimeSpan initial, TimeSpan max)
{
    private TimeSpan _next = initial;

    public TimeSpan Initial { get; } = initial;

    public TimeSpan Max { get; } = max;

    /// <summary>The delay to wait now; the following call returns twice as much, up to <see cref="Max"/>.</summary>
    public TimeSpan Next()
    {
        var current = _next;
        _next = current >= Max / 2 ? Max : current * 2;
        return current > Max ? Max : current;
    }

    public void Reset() => _next = Initial;
}
