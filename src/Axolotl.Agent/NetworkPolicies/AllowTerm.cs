namespace Axolotl.Agent.NetworkPolicies;

/// <summary>An inclusive range of ports.</summary>
public readonly record struct PortRange(int First, int Last)
{
    public override string ToString() => First == Last ? First.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{First}-{Last}";
}

/// <summary>
/// One allowed shape of traffic for a pod: the peer addresses (null: any), the protocol (null: any)
/// and the ports (null: every port of <see cref="Protocol"/>). A rule of a policy compiles to one
/// term per port entry; the pod's traffic is allowed when any of its terms matches.
/// </summary>
public sealed record AllowTerm(IReadOnlyList<Ipv4Range>? Addresses, string? Protocol, IReadOnlyList<PortRange>? Ports)
{
    public bool Allows(uint peer, string protocol, int port) =>
        (Addresses is null || Addresses.Any(r => r.Contains(peer))) &&
        (Protocol is null || Protocol == protocol) &&
        (Ports is null || Ports.Any(p => port >= p.First && port <= p.Last));

    /// <summary>A stable text for de-duplication and for tests.</summary>
    public override string ToString() =>
        $"{(Addresses is null ? "any" : string.Join(",", Addresses))} {Protocol ?? "any"} {(Ports is null ? "any" : string.Join(",", Ports))}";
}

/// <summary>What one pod of this node may receive and send: isolation in each direction and the union of its allowances.</summary>
public sealed record PodRules(PolicyPod Pod, bool IngressIsolated, bool EgressIsolated, IReadOnlyList<AllowTerm> Ingress, IReadOnlyList<AllowTerm> Egress)
{
    /// <summary>Whether a connection from <paramref name="source"/> to this pod is allowed in (ignoring the source's own egress).</summary>
    public bool AllowsIngress(uint source, string protocol, int port) => !IngressIsolated || Ingress.Any(t => t.Allows(source, protocol, port));

    /// <summary>Whether a connection from this pod to <paramref name="destination"/> is allowed out.</summary>
    public bool AllowsEgress(uint destination, string protocol, int port) => !EgressIsolated || Egress.Any(t => t.Allows(destination, protocol, port));
}
