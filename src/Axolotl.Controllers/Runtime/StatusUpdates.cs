using Axolotl.Client;

namespace Axolotl.Controllers.Runtime;

/// <summary>Writing a reconciled status: a conflict means the cache is behind (try again), a missing object means nothing to do.</summary>
public static class StatusUpdates
{
    public static async Task<ReconcileResult> WriteAsync<T>(KubeClient client, T obj, CancellationToken ct)
        where T : Api.Meta.KubeObject
    {
        try
        {
            await client.UpdateStatusAsync(obj, ct);
            return ReconcileResult.Done;
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return ReconcileResult.Requeue;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return ReconcileResult.Done;
        }
    }
}
