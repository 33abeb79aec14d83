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
/// Writes one APIService's Available condition (<see cref="AvailabilityCheck"/>) through the status subresource,
/// only when it changes: upstream's local and remote availability controllers in one.
/// </summary>
public sealed class ApiServiceAvailabilityReconciler(KubeClient client, IObjectCache<APIService> apiServices, IObjectCache<Service> services,
    IObjectCache<EndpointSlice> slices, TimeProvider time) : IReconciler<string>
{
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
        var updated = ObjectCopy.DeepCopy(current);
        APIServiceCondition.Set(updated.Status ??= new APIServiceStatus(), condition);
        if (KubeJson.Serialize(updated.Status) == KubeJson.Serialize(current.Status ?? new APIServiceStatus()))
        {
            return ReconcileResult.Done;
        }
        try
        {
            await client.Resource<APIService>().UpdateStatusAsync(updated, ct);
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
