namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// The cluster DNS as policies see it. Axolotl answers DNS on each node's pod gateway (the service
/// proxy), not from CoreDNS pods; policies written for a cluster (allow UDP/TCP 53 to namespace
/// kube-system, pods k8s-app=kube-dns) must still work, so the gateway stands in as a pod of
/// kube-system labelled as CoreDNS's are, with its named ports. A default-deny egress therefore blocks
/// DNS unless a rule allows it, as upstream.
/// </summary>
public static class ClusterDns
{
    public const string Namespace = "kube-system";

    public static PolicyPod Pod(uint gateway) => new(
        "cluster-dns", Namespace, "cluster-dns",
        new Dictionary<string, string> { ["k8s-app"] = "kube-dns" },
        gateway,
        [new PolicyPort("dns", "UDP", 53), new PolicyPort("dns-tcp", "TCP", 53)]);
}
