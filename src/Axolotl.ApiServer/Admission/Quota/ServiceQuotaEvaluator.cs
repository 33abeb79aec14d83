using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// Services: one "services" each, and node ports and load balancers by type. Charged on updates too,
/// since changing the type changes the node ports and load balancers used.
/// </summary>
public sealed class ServiceQuotaEvaluator : IQuotaEvaluator
{
    private static readonly string ObjectCount = QuotaResourceNames.ObjectCount(KnownResources.Services);

    private static readonly HashSet<string> Tracked = new(StringComparer.Ordinal)
    {
        ObjectCount, QuotaResourceNames.Services, QuotaResourceNames.ServicesNodePorts, QuotaResourceNames.ServicesLoadBalancers,
    };

    public static ServiceQuotaEvaluator Instance { get; } = new();

    public ResourceType Type => KnownResources.Services;

    public bool ChargesUpdates => true;

    public IReadOnlyList<string> MatchingResources(IEnumerable<string> names) =>
        names.Where(Tracked.Contains).Distinct(StringComparer.Ordinal).ToList();

    // Scoped quotas only ever count pods.
    public bool MatchesScope(ScopedResourceSelectorRequirement scope, KubeObject obj) => false;

    public string? Constraints(IReadOnlyCollection<string> required, KubeObject obj) => null;

    public Dictionary<string, Quantity> Usage(KubeObject obj, DateTimeOffset now)
    {
        var spec = ((Service)obj).Spec;
        var ports = spec?.Ports ?? [];
        var nodePorts = 0L;
        var loadBalancers = 0L;
        switch (spec?.Type)
        {
            case "NodePort":
                nodePorts = ports.Count;
                break;
            case "LoadBalancer":
                // Node ports are not allocated yet at admission: count the intent.
                nodePorts = spec.AllocateLoadBalancerNodePorts == false ? ports.Count(p => p.NodePort is > 0) : ports.Count;
                loadBalancers = 1;
                break;
        }
        return new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            [ObjectCount] = Quantity.FromUnits(1),
            [QuotaResourceNames.Services] = Quantity.FromUnits(1),
            [QuotaResourceNames.ServicesNodePorts] = Quantity.FromUnits(nodePorts),
            [QuotaResourceNames.ServicesLoadBalancers] = Quantity.FromUnits(loadBalancers),
        };
    }
}
