using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Endpoints;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.EndpointSlices;

/// <summary>
/// Syncs one Service's EndpointSlices from the informer caches: nothing for a deleted Service (its
/// slices go with it through their owner reference) or one without a selector; otherwise the writes
/// <see cref="EndpointSliceBuilder.Plan"/> asks for, unless the slice cache still lags our own writes.
/// </summary>
public sealed class EndpointSliceReconciler(
    KubeClient client,
    Lister<Service> services,
    Lister<Pod> pods,
    Lister<EndpointSlice> slices,
    TriggerTimeTracker triggerTimes,
    WrittenVersions written,
    EndpointSliceControllerOptions options,
    ILogger logger)
    : IReconciler<ObjectKey>
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var service = services.Get(key.Namespace, key.Name);
        if (service is null)
        {
            triggerTimes.Delete(key.Namespace, key.Name);
            foreach (var name in written.Pending(key.Namespace, key.Name))
            {
                written.Forget(key.Namespace, name);
            }
            return ReconcileResult.Done;
        }
        if (!PodEndpointRules.ManagesEndpoints(service))
        {
            return ReconcileResult.Done;
        }

        var selected = pods.List(key.Namespace, p => PodEndpointRules.Selects(service, p));
        var trigger = triggerTimes.Compute(service, selected);
        var existing = slices.List(key.Namespace, s =>
            s.Metadata.Labels is { } labels && labels.TryGetValue(WellKnown.LabelServiceName, out var owner) && owner == key.Name);
        if (IsStale(key, existing))
        {
            EndpointSliceLog.StaleCache(logger, key.Namespace, key.Name);
            return ReconcileResult.Requeue;
        }

        var plan = EndpointSliceBuilder.Plan(service, selected, existing, trigger.Time, options.MaxEndpointsPerSlice);
        if (plan.IsEmpty)
        {
            triggerTimes.Commit(trigger);
            return ReconcileResult.Done;
        }
        try
        {
            // Updates first: they carry most changes (readiness flips) and need no new names.
            foreach (var slice in plan.Update)
            {
                var result = await client.UpdateAsync(slice, ct);
                written.Written(key.Namespace, result.Metadata.Name!, result.Metadata.ResourceVersion, key.Name);
            }
            foreach (var slice in plan.Create)
            {
                var result = await client.CreateAsync(slice, ct);
                written.Written(key.Namespace, result.Metadata.Name!, result.Metadata.ResourceVersion, key.Name);
            }
            foreach (var slice in plan.Delete)
            {
                try
                {
                    await client.DeleteAsync<EndpointSlice>(key.Namespace, slice.Metadata.Name!, null, ct);
                    written.Deleted(key.Namespace, slice.Metadata.Name!, key.Name);
                }
                catch (KubeApiException e) when (e.IsNotFound)
                {
                    written.Forget(key.Namespace, slice.Metadata.Name!);
                }
            }
        }
        catch (KubeApiException e) when (e.IsConflict || e.IsAlreadyExists)
        {
            EndpointSliceLog.WriteRefused(logger, key.Namespace, key.Name, e.Message);
            return ReconcileResult.Requeue;
        }
        catch (KubeApiException e) when (e.Code == 403)
        {
            // The namespace is terminating: creates keep failing until it is gone, so drop the key.
            EndpointSliceLog.WriteRefused(logger, key.Namespace, key.Name, e.Message);
            return ReconcileResult.Done;
        }
        triggerTimes.Commit(trigger);
        EndpointSliceLog.Wrote(logger, key.Namespace, key.Name, plan.Create.Count, plan.Update.Count, plan.Delete.Count);
        return ReconcileResult.Done;
    }

    private bool IsStale(ObjectKey key, IReadOnlyList<EndpointSlice> existing)
    {
        var stale = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in existing)
        {
            seen.Add(slice.Metadata.Name ?? "");
            stale |= written.IsStale(key.Namespace, slice.Metadata.Name ?? "", slice.Metadata.ResourceVersion);
        }
        foreach (var name in written.Pending(key.Namespace, key.Name))
        {
            if (!seen.Contains(name))
            {
                stale |= written.IsStale(key.Namespace, name, null);
            }
        }
        return stale;
    }
}
