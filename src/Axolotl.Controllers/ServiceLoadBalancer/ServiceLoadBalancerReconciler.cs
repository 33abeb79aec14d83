using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ServiceLoadBalancer;

/// <summary>Writes the ingress <see cref="LoadBalancerIngressPicker"/> decides through the Service's status subresource.</summary>
public sealed class ServiceLoadBalancerReconciler(KubeClient client, Lister<Service> services, Lister<Node> nodes, ILogger logger)
    : IReconciler<ObjectKey>
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var service = services.Get(key.Namespace, key.Name);
        if (service is null || LoadBalancerIngressPicker.Desired(service, nodes.List()) is not { } ingress)
        {
            return ReconcileResult.Done;
        }
        var copy = ObjectCopy.DeepCopy(service);
        copy.Status ??= new ServiceStatus();
        copy.Status.LoadBalancer = new LoadBalancerStatus { Ingress = ingress.Count == 0 ? null : ingress };
        var result = await StatusUpdates.WriteAsync(client, copy, ct);
        if (result != ReconcileResult.Done)
        {
            return result;
        }
        ServiceLoadBalancerLog.Published(logger, key.Namespace, key.Name, ingress.Count == 0 ? "<none>" : ingress[0].Ip ?? "");
        return ReconcileResult.Done;
    }
}
