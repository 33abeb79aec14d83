using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// Counts what a namespace uses, straight from the store (upstream's CalculateUsage): each object is
/// listed once per recount and decoded into its typed model.
/// </summary>
public sealed class QuotaUsage(ObjectStore objects, string ns)
{
    private readonly Dictionary<ResourceType, List<KubeObject>> _listed = [];

    /// <summary>The quotas of the namespace, sorted by name, with their stored revisions.</summary>
    public static async Task<List<(ResourceQuota Quota, long Revision)>> LoadQuotasAsync(ObjectStore objects, string ns, CancellationToken ct)
    {
        var list = await objects.ListAsync(KnownResources.ResourceQuotas, ns, 0, null, ct);
        return list.Items
            .Select(e => (Quota: JsonSerializer.Deserialize<ResourceQuota>(e.Value.Span, KubeJson.Options)!, Revision: e.ModRevision))
            .OrderBy(q => q.Quota.Metadata.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Whether the quota covers the object: it limits something the evaluator tracks and the object is in all its scopes.</summary>
    public static bool Matches(IQuotaEvaluator evaluator, ResourceQuota quota, KubeObject obj) =>
        evaluator.MatchingResources(Hard(quota).Keys).Count > 0
        && QuotaEvaluators.Scopes(quota.Spec).All(s => evaluator.MatchesScope(s, obj));

    public static Dictionary<string, Quantity> Hard(ResourceQuota quota) =>
        new(quota.Spec?.Hard ?? [], StringComparer.Ordinal);

    /// <summary>What the objects of <paramref name="evaluator"/>'s kind in the quota's scopes use of the quota's resources (zero when none).</summary>
    public async Task<Dictionary<string, Quantity>> UsedAsync(IQuotaEvaluator evaluator, ResourceQuota quota, DateTimeOffset now, CancellationToken ct)
    {
        var resources = evaluator.MatchingResources(Hard(quota).Keys);
        var used = resources.ToDictionary(r => r, _ => Quantity.Zero, StringComparer.Ordinal);
        if (resources.Count == 0)
        {
            return used;
        }
        var scopes = QuotaEvaluators.Scopes(quota.Spec);
        foreach (var obj in await ListAsync(evaluator.Type, ct))
        {
            if (scopes.All(s => evaluator.MatchesScope(s, obj)))
            {
                used = ResourceLists.Add(used, evaluator.Usage(obj, now));
            }
        }
        return ResourceLists.Mask(used, resources);
    }

    /// <summary>The status a quota should have: hard as in spec, used recounted for every hard resource.</summary>
    public async Task<ResourceQuotaStatus> StatusAsync(ResourceQuota quota, DateTimeOffset now, CancellationToken ct)
    {
        var hard = Hard(quota);
        // Resources nothing here counts (a kind this server does not serve) show as unused.
        var used = hard.Keys.ToDictionary(k => k, _ => Quantity.Zero, StringComparer.Ordinal);
        foreach (var evaluator in QuotaEvaluators.All)
        {
            if (evaluator.MatchingResources(hard.Keys).Count == 0)
            {
                continue;
            }
            foreach (var (name, value) in await UsedAsync(evaluator, quota, now, ct))
            {
                used[name] = value;
            }
        }
        return new ResourceQuotaStatus { Hard = hard, Used = used };
    }

    private async Task<List<KubeObject>> ListAsync(ResourceType type, CancellationToken ct)
    {
        if (_listed.TryGetValue(type, out var cached))
        {
            return cached;
        }
        var list = await objects.ListAsync(type, ns, 0, null, ct);
        var decoded = new List<KubeObject>(list.Items.Count);
        foreach (var entry in list.Items)
        {
            if (JsonSerializer.Deserialize(entry.Value.Span, type.ClrType, KubeJson.Options) is KubeObject obj)
            {
                decoded.Add(obj);
            }
        }
        _listed[type] = decoded;
        return decoded;
    }
}
