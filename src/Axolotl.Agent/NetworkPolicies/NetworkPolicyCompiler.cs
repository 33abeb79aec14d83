using Axolotl.Api.Core;
using Axolotl.Api.Networking;
using Axolotl.Api.Validation;

namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// Policies, pods and namespaces → what each pod of this node may receive and send (no I/O). Kubernetes'
/// semantics: a pod is isolated in a direction when any policy of its namespace selects it and lists that
/// policy type; what it may then do is the union of the rules of every such policy. Within a rule an
/// empty peer list means any peer and an empty port list any port; a peer is pods by podSelector (the
/// policy's namespace), by namespaceSelector (every pod there), both (pods there that match), or an
/// ipBlock less its excepts. Named ports resolve against the pod that receives: the target pod for
/// ingress, each destination pod for egress.
/// </summary>
public static class NetworkPolicyCompiler
{
    public static IReadOnlyList<PodRules> Compile(PolicyState state, IEnumerable<PolicyPod> targets) =>
        [.. targets.Select(pod => CompilePod(state, pod))];

    public static PodRules CompilePod(PolicyState state, PolicyPod pod)
    {
        var ingressIsolated = false;
        var egressIsolated = false;
        var ingress = new List<AllowTerm>();
        var egress = new List<AllowTerm>();
        foreach (var policy in state.Policies.Where(p => Selects(p, pod)))
        {
            var spec = policy.Spec!;
            var policyNamespace = policy.Metadata.Namespace ?? "default";
            if (Types(spec).Contains("Ingress"))
            {
                ingressIsolated = true;
                foreach (var rule in spec.Ingress ?? [])
                {
                    var sources = Peers(state, policyNamespace, rule.From);
                    ingress.AddRange(Ingress(sources, rule.Ports, pod));
                }
            }
            if (Types(spec).Contains("Egress"))
            {
                egressIsolated = true;
                foreach (var rule in spec.Egress ?? [])
                {
                    var destinations = Peers(state, policyNamespace, rule.To);
                    egress.AddRange(Egress(state, destinations, rule.Ports));
                }
            }
        }
        return new PodRules(pod, ingressIsolated, egressIsolated, Distinct(ingress), Distinct(egress));
    }

    /// <summary>The policy types as upstream defaults them when a stored object has none.</summary>
    public static IReadOnlyList<string> Types(NetworkPolicySpec spec) =>
        spec.PolicyTypes is { Count: > 0 } types ? types : (spec.Egress?.Count ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"];

    public static bool Selects(NetworkPolicy policy, PolicyPod pod) =>
        policy.Spec is { } spec && (policy.Metadata.Namespace ?? "default") == pod.Namespace && Matches(spec.PodSelector ?? new LabelSelector(), pod.Labels);

    /// <summary>The addresses of a rule's peers; null when the rule names none (any peer).</summary>
    private static List<Ipv4Range>? Peers(PolicyState state, string policyNamespace, List<NetworkPolicyPeer>? peers)
    {
        if (peers is null or { Count: 0 })
        {
            return null;
        }
        var ranges = new List<Ipv4Range>();
        foreach (var peer in peers)
        {
            if (peer.IpBlock is { } block)
            {
                if (Ipv4Range.FromCidr(block.Cidr) is { } cidr)
                {
                    ranges.AddRange(Ipv4Range.Subtract(cidr, (block.Except ?? []).Select(Ipv4Range.FromCidr).OfType<Ipv4Range>()));
                }
                continue;
            }
            if (peer.PodSelector is null && peer.NamespaceSelector is null)
            {
                continue; // Validation refuses it; selecting nothing is the safe reading.
            }
            ranges.AddRange(state.Pods.Where(p => PeerSelects(state, policyNamespace, peer, p)).Select(p => Ipv4Range.Single(p.Ip)));
        }
        return Ipv4Range.Merge(ranges);
    }

    private static bool PeerSelects(PolicyState state, string policyNamespace, NetworkPolicyPeer peer, PolicyPod pod)
    {
        var inNamespace = peer.NamespaceSelector is { } namespaces
            ? Matches(namespaces, state.LabelsOf(pod.Namespace))
            : pod.Namespace == policyNamespace;
        return inNamespace && (peer.PodSelector is not { } pods || Matches(pods, pod.Labels));
    }

    private static IEnumerable<AllowTerm> Ingress(List<Ipv4Range>? sources, List<NetworkPolicyPort>? ports, PolicyPod target)
    {
        if (sources is { Count: 0 })
        {
            yield break; // The peers select nobody: this rule allows nothing.
        }
        if (ports is null or { Count: 0 })
        {
            yield return new AllowTerm(sources, null, null);
            yield break;
        }
        foreach (var port in ports)
        {
            var protocol = port.Protocol ?? "TCP";
            if (port.Port is not { } value)
            {
                yield return new AllowTerm(sources, protocol, null);
            }
            else if (value.IsInt)
            {
                yield return new AllowTerm(sources, protocol, [new PortRange(value.IntValue, port.EndPort ?? value.IntValue)]);
            }
            else if (Resolve(target, value.StringValue, protocol) is { Count: > 0 } numbers)
            {
                yield return new AllowTerm(sources, protocol, numbers);
            }
        }
    }

    private static IEnumerable<AllowTerm> Egress(PolicyState state, List<Ipv4Range>? destinations, List<NetworkPolicyPort>? ports)
    {
        if (destinations is { Count: 0 })
        {
            yield break;
        }
        if (ports is null or { Count: 0 })
        {
            yield return new AllowTerm(destinations, null, null);
            yield break;
        }
        foreach (var port in ports)
        {
            var protocol = port.Protocol ?? "TCP";
            if (port.Port is not { } value)
            {
                yield return new AllowTerm(destinations, protocol, null);
            }
            else if (value.IsInt)
            {
                yield return new AllowTerm(destinations, protocol, [new PortRange(value.IntValue, port.EndPort ?? value.IntValue)]);
            }
            else
            {
                // A named port means a number only on a known pod: each destination pod that has it, by its own number.
                foreach (var pod in state.Pods.Where(p => destinations is null || destinations.Any(r => r.Contains(p.Ip))))
                {
                    if (Resolve(pod, value.StringValue, protocol) is { Count: > 0 } numbers)
                    {
                        yield return new AllowTerm([Ipv4Range.Single(pod.Ip)], protocol, numbers);
                    }
                }
            }
        }
    }

    private static List<PortRange> Resolve(PolicyPod pod, string name, string protocol) =>
        [.. pod.Ports.Where(p => p.Name == name && p.Protocol == protocol).Select(p => new PortRange(p.Port, p.Port)).Distinct()];

    /// <summary>Label selector semantics; a selector that cannot be used (bad operator) selects nothing.</summary>
    private static bool Matches(LabelSelector selector, IReadOnlyDictionary<string, string> labels) =>
        SelectorMatch.ToPredicate(selector) is { } predicate && predicate(labels);

    private static List<AllowTerm> Distinct(List<AllowTerm> terms) =>
        [.. terms.DistinctBy(t => t.ToString(), StringComparer.Ordinal)];
}
