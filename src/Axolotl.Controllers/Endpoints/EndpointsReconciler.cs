using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Endpoints;

/// <summary>
/// Syncs one Service's core/v1 Endpoints (same name) from the informer caches: deleted with the
/// Service (confirmed with the API server first), left alone for Services without a selector, otherwise written when
/// <see cref="EndpointsBuilder"/> says something changed.
/// </summary>
public sealed class EndpointsReconciler(
    KubeClient client,
    Lister<Service> services,
    Lister<Pod> pods,
    Lister<Api.Core.Endpoints> endpoints,
    TriggerTimeTracker triggerTimes,
    WrittenVersions written,
    ILogger logger)
    : IReconciler<ObjectKey>
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var service = services.Get(key.Namespace, key.Name);
        if (service is null)
        {
            if (endpoints.Get(key.Namespace, key.Name) is null && !written.IsStale(key.Namespace, key.Name, null))
            {
                triggerTimes.Delete(key.Namespace, key.Name);
                return ReconcileResult.Done;
            }
            // Each informer has its own watch, so an Endpoints created right after its Service can reach
            // this cache first. Only a Service the API server lacks too is gone; a live one arrives
            // through the Service informer, which queues it again.
            if (await client.Resource<Service>().TryGetAsync(key.Namespace, key.Name, ct) is not null)
            {
                return ReconcileResult.Done;
            }
            triggerTimes.Delete(key.Namespace, key.Name);
            try
            {
                await client.DeleteAsync<Api.Core.Endpoints>(key.Namespace, key.Name, null, ct);
                written.Deleted(key.Namespace, key.Name);
                EndpointsLog.Deleted(logger, key.Namespace, key.Name);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                written.Forget(key.Namespace, key.Name);
            }
            return ReconcileResult.Done;
        }
        if (!PodEndpointRules.ManagesEndpoints(service))
        {
            return ReconcileResult.Done;
        }

        var selected = pods.List(key.Namespace, p => PodEndpointRules.Selects(service, p));
        // Committed after the no-op check or the write, so every completed sync counts, as upstream.
        var trigger = triggerTimes.Compute(service, selected);
        var current = endpoints.Get(key.Namespace, key.Name);
        if (written.IsStale(key.Namespace, key.Name, current?.Metadata.ResourceVersion))
        {
            EndpointsLog.StaleCache(logger, key.Namespace, key.Name);
            return ReconcileResult.Requeue;
        }
        var desired = EndpointsBuilder.Desired(service, current, EndpointsBuilder.Subsets(service, selected), trigger.Time);
        if (desired is null)
        {
            triggerTimes.Commit(trigger);
            return ReconcileResult.Done;
        }
        try
        {
            var result = current is null
                ? await client.CreateAsync(desired, ct)
                : await client.UpdateAsync(desired, ct);
            written.Written(key.Namespace, key.Name, result.Metadata.ResourceVersion);
            triggerTimes.Commit(trigger);
            var ready = desired.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0;
            var notReady = desired.Subsets?.Sum(s => s.NotReadyAddresses?.Count ?? 0) ?? 0;
            EndpointsLog.Wrote(logger, key.Namespace, key.Name, current is null ? "created" : "updated", ready, notReady);
        }
        catch (KubeApiException e) when (e.IsConflict || e.IsAlreadyExists)
        {
            // Someone wrote in between (or our cache is behind): read again after a short backoff.
            EndpointsLog.Skipped(logger, key.Namespace, key.Name, e.Message);
            return ReconcileResult.Requeue;
        }
        catch (KubeApiException e) when (current is null && e.Code == 403)
        {
            // The namespace is terminating: creates keep failing until it is gone, so drop the key.
            EndpointsLog.Skipped(logger, key.Namespace, key.Name, e.Message);
        }
        return ReconcileResult.Done;
    }
}
