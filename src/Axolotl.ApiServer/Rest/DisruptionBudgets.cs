using System.Collections.Concurrent;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Policy;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// The PodDisruptionBudget check of pods/eviction, as upstream's eviction REST does: a pod covered by
/// one budget may go only while the budget allows a disruption (healthy pods above the desired count);
/// otherwise 429 TooManyRequests, which kubectl drain retries. Budgets are evaluated from the pods
/// as they are now (there is no disruption controller keeping status), one eviction per namespace at a
/// time so two concurrent evictions cannot both spend the last allowed disruption.
/// </summary>
public sealed class DisruptionBudgets(ObjectStore objects)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="evict"/> if the pod's budget allows it; throws 429 (or 500 for several budgets) otherwise.</summary>
    public async Task EvictAsync(string ns, Pod pod, Func<Task> evict, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(ns, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await CheckAsync(ns, pod, ct);
            await evict();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task CheckAsync(string ns, Pod pod, CancellationToken ct)
    {
        // Terminal or already terminating pods do not count against any budget.
        if (pod.Status?.Phase is "Succeeded" or "Failed" || pod.Metadata.DeletionTimestamp is not null)
        {
            return;
        }
        var budgets = (await ListAsync<PodDisruptionBudget>(KnownResources.PodDisruptionBudgets, ns, ct))
            .Where(b => DisruptionBudgetMath.Matches(b.Spec?.Selector, pod.Metadata.Labels))
            .ToList();
        if (budgets.Count == 0)
        {
            return;
        }
        if (budgets.Count > 1)
        {
            throw ApiErrors.Make(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        }
        var budget = budgets[0];
        var covered = (await ListAsync<Pod>(KnownResources.Pods, ns, ct))
            .Where(p => DisruptionBudgetMath.Covers(budget, p))
            .ToList();
        var expected = covered.Count;
        var healthy = covered.Count(DisruptionBudgetMath.IsHealthy);
        var desired = DisruptionBudgetMath.DesiredHealthy(budget.Spec!, expected);
        // An unhealthy pod may go while the budget is met (upstream's default IfHealthyBudget), or always with AlwaysAllow.
        if (!DisruptionBudgetMath.IsHealthy(pod) && (healthy >= desired || budget.Spec!.UnhealthyPodEvictionPolicy == "AlwaysAllow"))
        {
            return;
        }
        if (healthy - desired > 0)
        {
            return;
        }
        throw ApiErrors.Make(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", new StatusDetails
        {
            Causes =
            [
                new StatusCause
                {
                    Type = "DisruptionBudget",
                    Message = $"The disruption budget {budget.Metadata.Name} needs {desired} healthy pods and has {healthy} currently",
                },
            ],
        });
    }

    private async Task<List<T>> ListAsync<T>(ResourceType type, string ns, CancellationToken ct)
    {
        var result = await objects.ListAsync(type, ns, 0, null, ct);
        return result.Items.Select(e => KubeJson.FromNode<T>(ObjectStore.Decode(e).Object)).OfType<T>().ToList();
    }
}
