namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// When a loop over the APIServices runs again: at once after <see cref="Wake"/> (an APIService changed), else when its
/// period ran out. Several wakes before the loop waits count as one: one round sees every change so far.
/// </summary>
public sealed class RefreshSignal(TimeProvider clock)
{
    private readonly SemaphoreSlim _changed = new(0, 1);

    public void Wake()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public async Task WaitAsync(TimeSpan period, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(period, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await _changed.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The period ran out.
        }
    }
}
