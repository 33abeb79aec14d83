namespace Axolotl.Controllers.Runtime;

/// <summary>
/// Level-triggered logic: given a key, read current state (from a cache or the API), act, and say what
/// next. It never sees the event that caused it. Throwing means "retry with backoff".
/// </summary>
public interface IReconciler<in TKey>
{
    Task<ReconcileResult> ReconcileAsync(TKey key, CancellationToken ct);
}
