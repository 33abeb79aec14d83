using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.RootCaCertPublisher;

/// <summary>
/// Upstream's root-ca-cert-publisher: a ConfigMap <c>kube-root-ca.crt</c> with the cluster's CA
/// (key <c>ca.crt</c>) in every active namespace, which the projected service account volume
/// mounts. A namespace that appears, or the ConfigMap deleted or changed, queues the namespace.
/// </summary>
public sealed class RootCaCertPublisher(KubeClient client, string caPem, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("root-ca-cert-publisher", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<RootCaCertPublisher>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var namespaces = informers.For<Api.Core.Namespace>();
        // Only the published ConfigMaps are watched, not every ConfigMap of the cluster.
        var configMaps = informers.For<ConfigMap>(fieldSelector: "metadata.name=" + RootCaCertReconciler.ConfigMapName);
        var controller = new Controller<ObjectKey>(Name, new RootCaCertReconciler(client, caPem, namespaces.Lister, configMaps.Lister, Logger), Time, Logger);

        void Queue(string? ns)
        {
            if (!string.IsNullOrEmpty(ns))
            {
                controller.Enqueue(new ObjectKey(null, ns));
            }
        }

        informers.AddEventHandler(namespaces, new ResourceEventHandler<Api.Core.Namespace>(onAdd: ns => Queue(ns.Metadata.Name), onUpdate: (_, ns) => Queue(ns.Metadata.Name)));
        informers.AddEventHandler(configMaps, new ResourceEventHandler<ConfigMap>(
            onUpdate: (_, cm) => Queue(cm.Metadata.Namespace),
            onDelete: cm => Queue(cm.Metadata.Namespace)));

        await informers.RunAsync(token => controller.RunAsync(1, token), ct);
    }
}
