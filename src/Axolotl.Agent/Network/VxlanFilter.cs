using System.Globalization;
using System.Text;
using Axolotl.Hosting.HostTools;
using Axolotl.Runtime.Network;

namespace Axolotl.Agent.Network;

/// <summary>
/// VXLAN has no authentication: a datagram to UDP 8472 from anywhere would be decapsulated into the
/// pod network. This keeps an nftables table (<see cref="Table"/>) that drops such datagrams unless they
/// come from a node's InternalIP, the set of which follows the Nodes; it is replaced whole in one
/// transaction each time the set changes, so there is never a moment without the rule.
/// </summary>
public static class VxlanFilter
{
    public const string Table = "axolotl_vxlan";

    /// <summary>The `nft -f -` script: the table made afresh with the nodes' addresses as its allowed set.</summary>
    public static string Script(IEnumerable<string> nodeAddresses)
    {
        var addresses = nodeAddresses.Select(PeerFacts.Ipv4).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var port = VxlanRoutes.Port.ToString(CultureInfo.InvariantCulture);
        var script = new StringBuilder();
        // "add" makes the delete below succeed on a first run; both and the new definition are one transaction.
        script.Append("add table inet ").Append(Table).Append('\n');
        script.Append("delete table inet ").Append(Table).Append('\n');
        script.Append("table inet ").Append(Table).Append(" {\n");
        script.Append("  set nodes {\n    type ipv4_addr\n");
        if (addresses.Count > 0)
        {
            script.Append("    elements = { ").Append(string.Join(", ", addresses)).Append(" }\n");
        }
        script.Append("  }\n");
        script.Append("  chain input {\n    type filter hook input priority -10; policy accept;\n");
        script.Append("    udp dport ").Append(port).Append(" ip saddr != @nodes counter drop\n");
        script.Append("  }\n}\n");
        return script.ToString();
    }

    /// <summary>Applies <see cref="Script"/> with nft; throws with nft's message when it is refused.</summary>
    public static async Task ApplyAsync(IEnumerable<string> nodeAddresses, CancellationToken ct)
    {
        var (exitCode, errors) = await IpCommand.FeedAsync("nft", ["-f", "-"], [Script(nodeAddresses)], ct);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"nft refused the VXLAN filter ({exitCode}): {errors.Trim()}");
        }
    }
}
