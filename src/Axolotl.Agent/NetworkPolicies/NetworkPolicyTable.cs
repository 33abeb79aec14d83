using System.Globalization;
using System.Text;
using Axolotl.Agent.Network;

namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// The nftables table that enforces compiled policies on one node (<see cref="TableName"/>, one per
/// bridge so several nodes on a machine each own theirs). Two verdict maps keyed by pod IP send a
/// packet of an isolated pod of this node to that pod's chain: <c>egress</c> by source (forward and
/// input: pods reach the node's DNS as a local address), <c>ingress</c> by destination (forward: pod to
/// pod traffic, bridged or routed, passes there with br_netfilter). A pod chain returns for traffic a
/// term allows and drops the rest, so a packet between two local pods is judged by the sender's
/// egress and then by the receiver's ingress. Replies of allowed connections pass on conntrack; the
/// node's own traffic to its pods (probes) never passes these hooks. The table is replaced whole in one
/// `nft -f` transaction, so no packet ever meets half an update. A postrouting chain gives connections the service
/// relay marked for a pod of this node that pod's address (<see cref="RelaySource"/>).
/// </summary>
public static class NetworkPolicyTable
{
    public const string Family = "inet";

    /// <summary>Before the node's egress table (priority filter) and after conntrack.</summary>
    private const string Priority = "filter - 5";

    public static string TableName(string bridge) =>
        bridge.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? "axolotl_netpol_" + bridge
            : "axolotl_netpol_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(bridge)))[..12];

    /// <summary>"inet axolotl_netpol_BRIDGE", as the cleanup's inventory names tables.</summary>
    public static string QualifiedTableName(string bridge) => Family + " " + TableName(bridge);

    /// <param name="serviceCidr">Cluster IPs: the userspace proxy answers them on the node, so egress to them is not judged here (see the ADR).</param>
    public static string Script(string bridge, IReadOnlyList<PodRules> pods, string? serviceCidr)
    {
        var table = TableName(bridge);
        var script = new StringBuilder();
        // "add" makes the delete succeed on a first run; the three are one transaction.
        script.Append("add table ").Append(Family).Append(' ').Append(table).Append('\n');
        script.Append("delete table ").Append(Family).Append(' ').Append(table).Append('\n');
        script.Append("table ").Append(Family).Append(' ').Append(table).Append(" {\n");
        var ingress = new List<(uint Ip, string Chain)>();
        var egress = new List<(uint Ip, string Chain)>();
        var ordered = pods.OrderBy(p => p.Pod.Ip).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var pod = ordered[i];
            var n = i.ToString(CultureInfo.InvariantCulture);
            if (pod.IngressIsolated)
            {
                ingress.Add((pod.Pod.Ip, "in_" + n));
                Chain(script, "in_" + n, pod.Pod, pod.Ingress, "saddr");
            }
            if (pod.EgressIsolated)
            {
                egress.Add((pod.Pod.Ip, "out_" + n));
                Chain(script, "out_" + n, pod.Pod, pod.Egress, "daddr");
            }
        }
        Map(script, "ingress", ingress);
        Map(script, "egress", egress);
        RelaySourceNat(script, ordered.Select(p => p.Pod.Ip));
        script.Append("  chain forward {\n    type filter hook forward priority ").Append(Priority).Append("; policy accept;\n");
        script.Append("    ct state established,related accept\n");
        script.Append("    ip saddr vmap @egress\n");
        script.Append("    ip daddr vmap @ingress\n  }\n");
        script.Append("  chain input {\n    type filter hook input priority ").Append(Priority).Append("; policy accept;\n");
        script.Append("    ct state established,related accept\n");
        if (serviceCidr is not null && Ipv4Range.FromCidr(serviceCidr) is { } services)
        {
            script.Append("    ip daddr ").Append(services).Append(" accept\n");
        }
        script.Append("    ip saddr vmap @egress\n  }\n}\n");
        return script.ToString();
    }

    private static void RelaySourceNat(StringBuilder script, IEnumerable<uint> pods)
    {
        script.Append("  map relay_source {\n    type mark : ipv4_addr\n");
        var elements = pods.Distinct().Select(ip => $"{RelaySource.Hex(RelaySource.Mark(ip))} : {Ipv4Range.Format(ip)}").ToList();
        if (elements.Count > 0)
        {
            script.Append("    elements = { ").Append(string.Join(", ", elements)).Append(" }\n");
        }
        var marked = $"meta mark & {RelaySource.Hex(unchecked((int)RelaySource.TagMask))} == {RelaySource.Hex(RelaySource.Tag)}";
        // Over VXLAN the encapsulated datagram would inherit an uncleared mark; it must keep the node's address, so the
        // overlay's port is never translated (relay_mark_clear below is what keeps it unmarked in the first place).
        script.Append("  }\n  chain relay_source_nat {\n    type nat hook postrouting priority srcnat - 10; policy accept;\n");
        script.Append("    ").Append(marked).Append(" meta l4proto tcp snat ip to meta mark map @relay_source\n");
        script.Append("    ").Append(marked).Append(" udp dport != ").Append(VxlanRoutes.Port).Append(" snat ip to meta mark map @relay_source\n  }\n");
        // Once translated the mark has done its work: cleared, so neither the overlay's datagram nor the host's routing rules see it.
        script.Append("  chain relay_mark_clear {\n    type filter hook postrouting priority srcnat + 10; policy accept;\n");
        script.Append("    ").Append(marked).Append(" meta mark set 0\n  }\n");
    }

    private static void Map(StringBuilder script, string name, List<(uint Ip, string Chain)> entries)
    {
        script.Append("  map ").Append(name).Append(" {\n    type ipv4_addr : verdict\n");
        if (entries.Count > 0)
        {
            script.Append("    elements = { ").Append(string.Join(", ", entries.Select(e => $"{Ipv4Range.Format(e.Ip)} : jump {e.Chain}"))).Append(" }\n");
        }
        script.Append("  }\n");
    }

    private static void Chain(StringBuilder script, string name, PolicyPod pod, IReadOnlyList<AllowTerm> terms, string peerField)
    {
        script.Append("  chain ").Append(name).Append(" {\n");
        script.Append("    # ").Append(pod.Namespace).Append('/').Append(pod.Name).Append('\n');
        foreach (var term in terms)
        {
            script.Append("   ");
            if (term.Addresses is { } addresses)
            {
                script.Append(" ip ").Append(peerField).Append(" { ").Append(string.Join(", ", addresses)).Append(" }");
            }
            if (term.Protocol is { } protocol)
            {
                script.Append(" meta l4proto ").Append(protocol.ToLowerInvariant());
                if (term.Ports is { } ports)
                {
                    script.Append(" th dport { ").Append(string.Join(", ", ports)).Append(" }");
                }
            }
            script.Append(" return\n");
        }
        script.Append("    counter drop\n  }\n");
    }
}
