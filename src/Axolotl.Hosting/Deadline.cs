namespace Axolotl.Hosting;

/// <summary>
/// A token that is cancelled when the outer token is or when <c>delay</c> has passed on a <see cref="TimeProvider"/>:
/// what <c>CreateLinkedTokenSource(ct)</c> plus <c>CancelAfter</c> do, on a clock a test can drive instead of the system's.
/// </summary>
public sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    private Deadline(TimeSpan delay, TimeProvider clock, CancellationToken outer, CancellationToken second)
    {
        _timer = new CancellationTokenSource(delay, clock);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, second, _timer.Token);
    }

    /// <summary>Cancelled by <paramref name="outer"/> or after <paramref name="delay"/> (<see cref="Timeout.InfiniteTimeSpan"/>: never).</summary>
    public static Deadline After(TimeSpan delay, TimeProvider clock, CancellationToken outer) => new(delay, clock, outer, CancellationToken.None);

    /// <summary>Cancelled by either token or after <paramref name="delay"/>.</summary>
    public static Deadline After(TimeSpan delay, TimeProvider clock, CancellationToken outer, CancellationToken second) => new(delay, clock, outer, second);

    public CancellationToken Token => _linked.Token;

    /// <summary>True once the delay ran out (whether or not an outer token was cancelled too).</summary>
    public bool Passed => _timer.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
