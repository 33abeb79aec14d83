namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// One probe's time budget on the injected clock, joined with the caller's token. A cancellation
/// caused by the budget running out is a probe failure; one caused by the caller is not (it propagates).
/// </summary>
internal sealed class ProbeDeadline : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;

    public ProbeDeadline(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        _caller = ct;
        Timeout = timeout;
        _timeout = timeout > TimeSpan.Zero
            ? new CancellationTokenSource(Clamp(timeout), time)
            : new CancellationTokenSource();
        if (timeout <= TimeSpan.Zero)
        {
            _timeout.Cancel();
        }

        _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _timeout.Token);
    }

    public TimeSpan Timeout { get; }

    /// <summary>Cancelled when the budget runs out or the caller cancels.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>The budget ran out (and the caller has not cancelled).</summary>
    public bool Expired => _timeout.IsCancellationRequested && !_caller.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }

    // CancellationTokenSource accepts at most int.MaxValue milliseconds.
    private static TimeSpan Clamp(TimeSpan timeout) =>
        timeout > TimeSpan.FromMilliseconds(int.MaxValue) ? TimeSpan.FromMilliseconds(int.MaxValue) : timeout;
}
