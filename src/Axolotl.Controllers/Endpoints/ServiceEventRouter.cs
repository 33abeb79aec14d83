using Axolotl.Api.Core;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Endpoints;

/// <summary>
/// Turns Service and Pod changes into Service keys, the event handling both endpoint controllers share:
/// every Service change queues it; a pod change queues the Services whose selector matches the pod
/// before or after, and only when something an endpoint shows (readiness, IP, labels, deletion, …) changed.
/// </summary>
public sealed class ServiceEventRouter(Lister<Service> services, Action<ObjectKey> enqueue)
{
    public IResourceEventHandler<Service> ServiceHandler() => new ResourceEventHandler<Service>(
        onAdd: s => enqueue(ObjectKey.Of(s)),
        onUpdate: (_, s) => enqueue(ObjectKey.Of(s)),
        onDelete: s => enqueue(ObjectKey.Of(s)));

    public IResourceEventHandler<Pod> PodHandler() => new ResourceEventHandler<Pod>(
        onAdd: p => PodChanged(null, p),
        onUpdate: (before, after) =>
        {
            if (PodEndpointRules.EndpointsRelevantChange(before, after))
            {
                PodChanged(before, after);
            }
        },
        onDelete: p => PodChanged(null, p));

    /// <summary>Queues the Services selecting the pod before (when given) or after the change.</summary>
    public void PodChanged(Pod? before, Pod after)
    {
        foreach (var service in services.List(after.Metadata.Namespace ?? ""))
        {
            if (PodEndpointRules.Selects(service, after) || (before is not null && PodEndpointRules.Selects(service, before)))
            {
                enqueue(ObjectKey.Of(service));
            }
        }
    }
}
