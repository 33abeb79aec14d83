using System.Globalization;
using System.Text;
using Axolotl.Hosting.HostTools;
using Axolotl.Runtime.Network;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Network;

/// <summary>
/// Pod traffic out of the cluster, as the CNI bridge plugin with ipMasq and flannel do it: a packet from
/// this node's pod CIDR to anything outside the cluster CIDR, the service CIDR and multicast leaves
/// masqueraded to the address of the interface it leaves by (the node's), so replies find their way
/// back without the outside knowing pod routes; pod-to-pod traffic (same node, host-gw, VXLAN) is never
/// rewritten and keeps its source. The node's own nftables table (<see cref="TableName"/>, one per
/// bridge, so several nodes on a machine each own theirs) also caps the connections each pod may have
/// tracked through this node's forwarding at <c>--conntrack-max-per-pod</c>: a pod past it gets an ICMP
/// admin-prohibited for each new one, so one pod opening thousands of connections cannot fill the
/// machine's conntrack table and starve the others. The table is replaced whole in one transaction.
/// </summary>
public static partial class NodeEgress
{
    public const string Family = "ip";

    /// <summary>Connections one pod may have tracked through the node (its own forwarding, not the node's services).</summary>
    public const int DefaultConntrackMaxPerPod = 4096;

    /// <summary>axolotl_egress_BRIDGE (nft names allow letters, digits and "_"; other bridge names get a hash).</summary>
    public static string TableName(string bridge) =>
        bridge.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? "axolotl_egress_" + bridge
            : "axolotl_egress_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(bridge)))[..12];

    /// <summary>"ip axolotl_egress_BRIDGE", as the cleanup's inventory names tables.</summary>
    public static string QualifiedTableName(string bridge) => Family + " " + TableName(bridge);

    /// <summary>The `nft -f -` script: the table made afresh; <paramref name="conntrackMaxPerPod"/> 0 leaves out the cap.</summary>
    public static string Script(string bridge, string podCidr, string clusterCidr, string? serviceCidr, int conntrackMaxPerPod)
    {
        var table = TableName(bridge);
        string[] inside = [clusterCidr, .. serviceCidr is null ? Array.Empty<string>() : [serviceCidr], "224.0.0.0/4"];
        var script = new StringBuilder();
        // "add" makes the delete succeed on a first run; the three are one transaction.
        script.Append("add table ").Append(Family).Append(' ').Append(table).Append('\n');
        script.Append("delete table ").Append(Family).Append(' ').Append(table).Append('\n');
        script.Append("table ").Append(Family).Append(' ').Append(table).Append(" {\n");
        if (conntrackMaxPerPod > 0)
        {
            script.Append("  set pods {\n    type ipv4_addr\n    size 65535\n    flags dynamic\n  }\n");
            script.Append("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
            script.Append("    iifname \"").Append(bridge).Append("\" ip saddr ").Append(podCidr)
                .Append(" ct state new add @pods { ip saddr ct count over ").Append(conntrackMaxPerPod.ToString(CultureInfo.InvariantCulture))
                .Append(" } counter reject with icmp type admin-prohibited\n  }\n");
        }
        script.Append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        script.Append("    ip saddr ").Append(podCidr).Append(" ip daddr != { ").Append(string.Join(", ", inside)).Append(" } oifname != \"")
            .Append(bridge).Append("\" counter masquerade random\n  }\n}\n");
        return script.ToString();
    }

    /// <summary>
    /// Installs the table and turns IPv4 forwarding on host-wide (net.ipv4.ip_forward, as the bridge
    /// plugin does): replies come in on the uplink and are forwarded to the bridge, and forwarding is
    /// checked on the interface a packet arrives on.
    /// </summary>
    public static async Task EnsureAsync(string bridge, string podCidr, string clusterCidr, string? serviceCidr, int conntrackMaxPerPod, CancellationToken ct)
    {
        var (exitCode, errors) = await IpCommand.FeedAsync("nft", ["-f", "-"], [Script(bridge, podCidr, clusterCidr, serviceCidr, conntrackMaxPerPod)], ct);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"nft refused the egress table ({exitCode}): {errors.Trim()}");
        }
        await File.WriteAllTextAsync("/proc/sys/net/ipv4/ip_forward", "1", ct);
    }

    /// <summary>
    /// <see cref="EnsureAsync"/> for a node start: a host without nft (or a kernel without nf_tables)
    /// still starts, with one warning that says what it costs, as a missing optional package should.
    /// </summary>
    public static async Task<bool> TryEnsureAsync(string bridge, string podCidr, string clusterCidr, string? serviceCidr, int conntrackMaxPerPod, ILogger logger, CancellationToken ct)
    {
        try
        {
            await EnsureAsync(bridge, podCidr, clusterCidr, serviceCidr, conntrackMaxPerPod, ct);
            var table = TableName(bridge);
            Installed(logger, table, podCidr, conntrackMaxPerPod);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            NotInstalled(logger, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "egress: pods of {PodCidr} leave the cluster masqueraded to the node (nftables table {Table}; at most {Cap} tracked connections per pod, 0 = no cap)")]
    private static partial void Installed(ILogger logger, string table, string podCidr, int cap);

    [LoggerMessage(Level = LogLevel.Warning, Message = "egress: pods cannot reach addresses outside the cluster on this node (install nftables to allow it): {Reason}")]
    private static partial void NotInstalled(ILogger logger, string reason);
}
