using Axolotl.Api.Rbac;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ClusterRoleAggregation;

/// <summary>
/// Keeps aggregated ClusterRoles (admin, edit, view and any with an aggregationRule) current: any
/// ClusterRole change may add or remove rules of any aggregated role, so each change enqueues every
/// aggregated role, as upstream's clusterrole-aggregation controller does.
/// </summary>
public sealed class ClusterRoleAggregationController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("clusterrole-aggregation-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<ClusterRoleAggregationController>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var roles = informers.For<ClusterRole>();
        var controller = new Controller<ObjectKey>(Name, new ClusterRoleAggregationReconciler(client, roles.Lister), Time, Logger);

        void Changed(ClusterRole _)
        {
            foreach (var role in roles.Lister.List())
            {
                if (role.AggregationRule is not null)
                {
                    controller.Enqueue(ObjectKey.Of(role));
                }
            }
        }

        informers.AddEventHandler(roles, new ResourceEventHandler<ClusterRole>(onAdd: Changed, onUpdate: (_, r) => Changed(r), onDelete: Changed));
        await informers.RunAsync(token => controller.RunAsync(1, token), ct);
    }
}
