using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.ApiServiceAvailability;

/// <summary>
/// Writes one APIService's Available condition (<see cref="AvailabilityCheck"/>, then the backend's discovery through
/// <see cref="IDiscoveryProbe"/>) through the status subresource, only when it changes: upstream's local and remote
/// availability controllers in one. A remote APIService is checked again every 30 s (upstream's resync), every 5 s
/// while it is not available.
/// </summary>
public sealed class ApiServiceAvailabilityReconciler(KubeClient client, IObjectCache<APIService> apiServices, IObjectCache<Service> services,
    IObjectCache<EndpointSlice> slices, IDiscoveryProbe probe, TimeProvider time) : IReconciler<string>
{
    public static readonly TimeSpan RecheckAvailable = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RecheckUnavailable = TimeSpan.FromSeconds(5);

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        if (apiServices.Get(null, key) is not { } current)
        {
            return ReconcileResult.Done;
        }
        Service? service = null;
        IReadOnlyList<EndpointSlice> serviceSlices = [];
        if (current.Spec?.Service is { } reference)
        {
            service = services.Get(reference.Namespace, reference.Name ?? "");
            serviceSlices = [.. slices.List(reference.Namespace).Where(s => s.Metadata.Labels?.GetValueOrDefault(WellKnown.LabelServiceName) == reference.Name)];
        }
        var condition = AvailabilityCheck.Check(current, service, serviceSlices, time.GetUtcNow());
        if (condition.Reason == AvailabilityCheck.PassedReason &&
            await probe.ProbeAsync(current, AvailabilityCheck.Endpoints(current, service, serviceSlices), ct) is { } error)
        {
            condition = AvailabilityCheck.FailedDiscovery(error, time.GetUtcNow());
        }
        var done = current.Spec?.Service is null ? ReconcileResult.Done
            : ReconcileResult.RequeueAfter(condition.Status == "True" ? RecheckAvailable : RecheckUnavailable);
        var updated = ObjectCopy.DeepCopy(current);
        APIServiceCondition.Set(updated.Status ??= new APIServiceStatus(), condition);
        if (KubeJson.Serialize(updated.Status) == KubeJson.Serialize(current.Status ?? new APIServiceStatus()))
        {
            return done;
        }
        try
        {
            await client.Resource<APIService>().UpdateStatusAsync(updated, ct);
            return done;
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
