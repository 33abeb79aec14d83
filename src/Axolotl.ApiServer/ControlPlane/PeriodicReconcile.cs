namespace Axolotl.ApiServer.ControlPlane;

/// <summary>
/// The control plane's keep-it-current loop: reconcile every <c>interval</c> until cancelled; a failed round is
/// reported and the next round tries again (no back-off: the interval is already the pace).
/// </summary>
internal static class PeriodicReconcile
{
    public static async Task RunAsync(TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> reconcile, Action<Exception> failed, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await reconcile(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed(e);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
