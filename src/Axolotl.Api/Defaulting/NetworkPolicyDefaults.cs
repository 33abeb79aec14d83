using Axolotl.Api.Networking;

namespace Axolotl.Api.Defaulting;

/// <summary>networking/v1 defaults: a port's protocol is TCP; policyTypes, when unset, is Ingress plus Egress when there are egress rules.</summary>
public static class NetworkPolicyDefaults
{
    public static void Apply(NetworkPolicy policy)
    {
        var spec = policy.Spec ??= new NetworkPolicySpec();
        // podSelector is a struct upstream: an omitted one is written back as {} (it selects every pod).
        spec.PodSelector ??= new Core.LabelSelector();
        foreach (var port in (spec.Ingress ?? []).SelectMany(r => r.Ports ?? []).Concat((spec.Egress ?? []).SelectMany(r => r.Ports ?? [])))
        {
            port.Protocol ??= "TCP";
        }
        if (spec.PolicyTypes is null or { Count: 0 })
        {
            spec.PolicyTypes = (spec.Egress?.Count ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"];
        }
    }
}
