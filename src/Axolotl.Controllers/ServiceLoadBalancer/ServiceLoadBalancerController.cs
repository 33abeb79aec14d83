using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ServiceLoadBalancer;

/// <summary>
/// Publishes a Ready node's address as the load balancer ingress of LoadBalancer Services (the service
/// proxy on that node answers on it). Service changes queue the Service; a node's readiness or address
/// change queues every Service that has or wants an ingress.
/// </summary>
public sealed class ServiceLoadBalancerController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("service-lb-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<ServiceLoadBalancerController>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var services = informers.For<Service>();
        var nodes = informers.For<Node>();
        var controller = new Controller<ObjectKey>(Name, new ServiceLoadBalancerReconciler(client, services.Lister, nodes.Lister, Logger), Time, Logger);

        void ServiceChanged(Service service)
        {
            if (service.Spec?.Type == "LoadBalancer" || service.Status?.LoadBalancer?.Ingress is { Count: > 0 })
            {
                controller.Enqueue(ObjectKey.Of(service));
            }
        }

        void NodesChanged()
        {
            foreach (var service in services.Lister.List())
            {
                ServiceChanged(service);
            }
        }

        informers.AddEventHandler(services, new ResourceEventHandler<Service>(onAdd: ServiceChanged, onUpdate: (_, s) => ServiceChanged(s)));
        informers.AddEventHandler(nodes, new ResourceEventHandler<Node>(
            onAdd: _ => NodesChanged(),
            onUpdate: (before, after) =>
            {
                if (LoadBalancerIngressPicker.IsReady(before) != LoadBalancerIngressPicker.IsReady(after) ||
                    LoadBalancerIngressPicker.Address(before) != LoadBalancerIngressPicker.Address(after))
                {
                    NodesChanged();
                }
            },
            onDelete: _ => NodesChanged()));

        await informers.RunAsync(token => controller.RunAsync(1, token), ct);
    }
}
