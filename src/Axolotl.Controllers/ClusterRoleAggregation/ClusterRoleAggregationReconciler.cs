using Axolotl.Api.Rbac;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.ClusterRoleAggregation;

/// <summary>
/// Upstream's ClusterRole aggregation: a ClusterRole with an aggregationRule gets, as its rules, the
/// rules of every other ClusterRole any of its selectors matches, in the order of those roles' names,
/// each distinct rule once. Written only when they differ from what it has.
/// </summary>
public sealed class ClusterRoleAggregationReconciler(KubeClient client, Lister<ClusterRole> roles) : IReconciler<ObjectKey>
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var role = roles.Get(null, key.Name);
        if (role?.AggregationRule is not { } aggregation)
        {
            return ReconcileResult.Done;
        }
        var rules = Aggregate(role, aggregation, roles.List());
        if (Same(rules, role.Rules ?? []))
        {
            return ReconcileResult.Done;
        }
        var copy = ObjectCopy.DeepCopy(role);
        copy.Rules = rules;
        try
        {
            await client.Resource<ClusterRole>().UpdateAsync(copy, ct);
            return ReconcileResult.Done;
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return ReconcileResult.Requeue;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return ReconcileResult.Done;
        }
    }

    public static List<PolicyRule> Aggregate(ClusterRole role, AggregationRule aggregation, IEnumerable<ClusterRole> all)
    {
        var selectors = (aggregation.ClusterRoleSelectors ?? [])
            .Select(SelectorMatch.ToPredicate)
            .Where(p => p is not null)
            .Select(p => p!)
            .ToList();
        var rules = new List<PolicyRule>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var other in all.Where(r => r.Metadata.Name != role.Metadata.Name).OrderBy(r => r.Metadata.Name, StringComparer.Ordinal))
        {
            var labels = other.Metadata.Labels ?? [];
            if (!selectors.Any(matches => matches(labels)))
            {
                continue;
            }
            foreach (var rule in other.Rules ?? [])
            {
                if (seen.Add(KubeJson.Serialize(rule)))
                {
                    rules.Add(ObjectCopy.DeepCopy(rule));
                }
            }
        }
        return rules;
    }

    private static bool Same(List<PolicyRule> a, List<PolicyRule> b) =>
        a.Count == b.Count && a.Zip(b).All(p => KubeJson.Serialize(p.First) == KubeJson.Serialize(p.Second));
}
