using Axolotl.Api.Core;
using Axolotl.Api.Policy;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Disruption;

/// <summary>
/// Keeps PodDisruptionBudget status current (expectedPods, currentHealthy, desiredHealthy,
/// disruptionsAllowed, the DisruptionAllowed condition), as upstream's disruption controller does, so
/// `kubectl get pdb` shows ALLOWED DISRUPTIONS. Eviction itself recounts from the pods (see the API
/// server's DisruptionBudgets): this status is for people, not a gate.
/// </summary>
public sealed class DisruptionController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("disruption-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<DisruptionController>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var budgets = informers.For<PodDisruptionBudget>();
        var pods = informers.For<Pod>();
        var controller = new Controller<ObjectKey>(Name, new DisruptionReconciler(client, budgets.Lister, pods.Lister, Time), Time, Logger);

        void PodChanged(Pod pod)
        {
            foreach (var budget in budgets.Lister.List(pod.Metadata.Namespace))
            {
                if (DisruptionBudgetMath.Matches(budget.Spec?.Selector, pod.Metadata.Labels))
                {
                    controller.Enqueue(ObjectKey.Of(budget));
                }
            }
        }

        informers.AddEventHandler(budgets, new ResourceEventHandler<PodDisruptionBudget>(
            onAdd: b => controller.Enqueue(ObjectKey.Of(b)), onUpdate: (_, b) => controller.Enqueue(ObjectKey.Of(b))));
        informers.AddEventHandler(pods, new ResourceEventHandler<Pod>(onAdd: PodChanged, onUpdate: (_, p) => PodChanged(p), onDelete: PodChanged));

        await informers.RunAsync(token => controller.RunAsync(1, token), ct);
    }
}
