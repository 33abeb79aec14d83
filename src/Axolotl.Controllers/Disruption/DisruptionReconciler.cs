using Axolotl.Api.Core;
using Axolotl.Api.Policy;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Disruption;

/// <summary>Computes one budget's status from the pods it covers and writes it when it changed.</summary>
public sealed class DisruptionReconciler(KubeClient client, Lister<PodDisruptionBudget> budgets, Lister<Pod> pods, TimeProvider time) : IReconciler<ObjectKey>
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var budget = budgets.Get(key.Namespace, key.Name);
        if (budget?.Spec is null)
        {
            return ReconcileResult.Done;
        }
        var status = Compute(budget, pods.List(key.Namespace));
        if (Same(status, budget.Status))
        {
            return ReconcileResult.Done;
        }
        var copy = ObjectCopy.DeepCopy(budget);
        status.Conditions = Conditions(status, budget.Status, time.GetUtcNow());
        copy.Status = status;
        return await StatusUpdates.WriteAsync(client, copy, ct);
    }

    /// <summary>Upstream's counts: covered non-terminal pods, the Ready ones among them, and what may go.</summary>
    public static PodDisruptionBudgetStatus Compute(PodDisruptionBudget budget, IEnumerable<Pod> podsInNamespace)
    {
        var covered = podsInNamespace.Where(p => DisruptionBudgetMath.Covers(budget, p)).ToList();
        var healthy = covered.Count(DisruptionBudgetMath.IsHealthy);
        var desired = DisruptionBudgetMath.DesiredHealthy(budget.Spec!, covered.Count);
        return new PodDisruptionBudgetStatus
        {
            ObservedGeneration = budget.Metadata.Generation,
            ExpectedPods = covered.Count,
            CurrentHealthy = healthy,
            DesiredHealthy = desired,
            DisruptionsAllowed = Math.Max(0, healthy - desired),
        };
    }

    private static bool Same(PodDisruptionBudgetStatus next, PodDisruptionBudgetStatus? current) =>
        current is not null && current.ObservedGeneration == next.ObservedGeneration && current.ExpectedPods == next.ExpectedPods &&
        current.CurrentHealthy == next.CurrentHealthy && current.DesiredHealthy == next.DesiredHealthy &&
        current.DisruptionsAllowed == next.DisruptionsAllowed && current.Conditions is { Count: > 0 };

    private static List<Condition> Conditions(PodDisruptionBudgetStatus status, PodDisruptionBudgetStatus? previous, DateTimeOffset now)
    {
        var allowed = status.DisruptionsAllowed > 0;
        var before = previous?.Conditions?.FirstOrDefault(c => c.Type == "DisruptionAllowed");
        var value = allowed ? "True" : "False";
        return
        [
            new Condition
            {
                Type = "DisruptionAllowed",
                Status = value,
                Reason = allowed ? "SufficientPods" : "InsufficientPods",
                Message = "",
                ObservedGeneration = status.ObservedGeneration,
                LastTransitionTime = before is not null && before.Status == value ? before.LastTransitionTime : now,
            },
        ];
    }
}
