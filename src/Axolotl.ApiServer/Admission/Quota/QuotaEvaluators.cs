using Axolotl.Api.Core;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>The evaluator of each kind quota can count: pods, services, and an object count for every other namespaced kind but events.</summary>
public static class QuotaEvaluators
{
    private static readonly Dictionary<ResourceType, IQuotaEvaluator> ByType = Build();

    public static IReadOnlyCollection<IQuotaEvaluator> All => ByType.Values;

    public static IQuotaEvaluator? For(ResourceType type) => ByType.GetValueOrDefault(type);

    /// <summary>Upstream's getScopeSelectorsFromQuota: each scope as an Exists requirement, then the scope selector's.</summary>
    public static List<ScopedResourceSelectorRequirement> Scopes(ResourceQuotaSpec? spec)
    {
        var result = (spec?.Scopes ?? []).Select(s => new ScopedResourceSelectorRequirement { ScopeName = s, Operator = "Exists" }).ToList();
        result.AddRange(spec?.ScopeSelector?.MatchExpressions ?? []);
        return result;
    }

    private static Dictionary<ResourceType, IQuotaEvaluator> Build()
    {
        var result = new Dictionary<ResourceType, IQuotaEvaluator>
        {
            [KnownResources.Pods] = PodQuotaEvaluator.Instance,
            [KnownResources.Services] = ServiceQuotaEvaluator.Instance,
            [KnownResources.PersistentVolumeClaims] = ClaimQuotaEvaluator.Instance,
        };
        foreach (var type in KnownResources.All)
        {
            // Events are never quota'd (upstream ignores them), and the events.k8s.io view shares their storage.
            if (!type.Namespaced || type.StorageResource == KnownResources.Events.StorageResource || result.ContainsKey(type))
            {
                continue;
            }
            result[type] = new ObjectCountEvaluator(type);
        }
        return result;
    }
}
