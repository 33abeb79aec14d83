namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// Upstream's slowStartBatch: runs an action <c>count</c> times in batches that double (1, 2, 4, …),
/// each batch in parallel, and stops after the first batch with a failure. A create that is going to
/// fail (quota, admission, a terminating namespace) then fails once or twice instead of hundreds of
/// times, which protects the API server and keeps the event stream readable.
/// </summary>
internal static class SlowStart
{
    /// <summary>SlowStartInitialBatchSize upstream.</summary>
    public const int InitialBatchSize = 1;

    /// <summary>How many calls succeeded, and the first error of the batch that stopped the run (null when all succeeded).</summary>
    public static async Task<(int Successes, Exception? Error)> RunAsync(int count, Func<CancellationToken, Task> action, CancellationToken ct, int initialBatchSize = InitialBatchSize)
    {
        var remaining = count;
        var successes = 0;
        for (var batch = Math.Min(remaining, initialBatchSize); batch > 0; batch = Math.Min(2 * batch, remaining))
        {
            var calls = Enumerable.Range(0, batch).Select(_ => Capture(action, ct)).ToList();
            var errors = (await Task.WhenAll(calls)).OfType<Exception>().ToList();
            successes += batch - errors.Count;
            if (errors.Count > 0)
            {
                return (successes, errors[0]);
            }
            remaining -= batch;
        }
        return (successes, null);
    }

    private static async Task<Exception?> Capture(Func<CancellationToken, Task> action, CancellationToken ct)
    {
        try
        {
            await action(ct);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
