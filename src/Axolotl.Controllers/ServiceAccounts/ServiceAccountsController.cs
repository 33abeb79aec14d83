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
public sealed class ServiceAccountsController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time)
    : BackgroundLoop("serviceaccount-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<ServiceAccountsController>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup();
        var namespaces = informers.Add(new SharedInformer<Api.Core.Namespace>(client.Resource<Api.Core.Namespace>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.serviceaccount-controller.namespaces")));
        var accounts = informers.Add(new SharedInformer<ServiceAccount>(client.Resource<ServiceAccount>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.serviceaccount-controller.serviceaccounts")));
        var controller = new Controller<ObjectKey>(Name, new ServiceAccountsReconciler(client, namespaces.Lister, accounts.Lister, Logger), Time, Logger);

        namespaces.AddEventHandler(new ResourceEventHandler<Api.Core.Namespace>(
            onAdd: ns => controller.Enqueue(new ObjectKey(null, ns.Metadata.Name ?? "")),
            onUpdate: (_, ns) => controller.Enqueue(new ObjectKey(null, ns.Metadata.Name ?? ""))));
        accounts.AddEventHandler(new ResourceEventHandler<ServiceAccount>(
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
