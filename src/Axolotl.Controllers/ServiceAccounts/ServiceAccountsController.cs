using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ServiceAccounts;

/// <summary>
/// Upstream's serviceaccounts controller: every active namespace has a ServiceAccount called
/// <c>default</c>. A namespace that appears, or a <c>default</c> ServiceAccount that is deleted,
/// queues its namespace; the reconciler creates what is missing.
/// </summary>
public sealed class ServiceAccountsController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("serviceaccount-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<ServiceAccountsController>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var namespaces = informers.For<Api.Core.Namespace>();
        var accounts = informers.For<ServiceAccount>();
        var controller = new Controller<ObjectKey>(Name, new ServiceAccountsReconciler(client, namespaces.Lister, accounts.Lister, Logger), Time, Logger);

        informers.AddEventHandler(namespaces, new ResourceEventHandler<Api.Core.Namespace>(
            onAdd: ns => controller.Enqueue(new ObjectKey(null, ns.Metadata.Name ?? "")),
            onUpdate: (_, ns) => controller.Enqueue(new ObjectKey(null, ns.Metadata.Name ?? ""))));
        informers.AddEventHandler(accounts, new ResourceEventHandler<ServiceAccount>(
            onDelete: sa =>
            {
                if (ServiceAccountsReconciler.Managed.Contains(sa.Metadata.Name ?? ""))
                {
                    controller.Enqueue(new ObjectKey(null, sa.Metadata.Namespace ?? ""));
                }
            }));

        await informers.RunAsync(token => controller.RunAsync(1, token), ct);
    }
}
