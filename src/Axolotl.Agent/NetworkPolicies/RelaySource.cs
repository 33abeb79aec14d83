using System.Globalization;

namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// How a relayed connection keeps its client pod as the source on another node. The service relay connects from the
/// node; a pod on another node would judge that connection by its ingress rules against the node's address, not the
/// client's, and drop what the policy allows (upstream's path, kube-proxy's DNAT, keeps the client's address). So the
/// relay marks its socket with <see cref="Mark"/> of the client pod when the endpoint is a pod of another node, and the
/// node's policy table rewrites a marked connection's source to that pod (SNAT in postrouting, by a map from mark to
/// address of this node's pods); conntrack turns the replies back to the relay. The low 16 bits of the pod's address
/// tell it apart: a node's pod CIDR is a /16 or narrower. Endpoints on this node are left alone: their answers to a pod
/// address would go straight to the pod over the bridge, past the relay.
/// </summary>
public static class RelaySource
{
    /// <summary>The mark's upper half, which says "a relayed connection for a pod of this node".</summary>
    public const int Tag = 0x0ae10000;

    public const uint TagMask = 0xffff0000;

    public static int Mark(uint pod) => Tag | (int)(pod & 0xffff);

    public static string Hex(int mark) => "0x" + mark.ToString("x8", CultureInfo.InvariantCulture);
}
