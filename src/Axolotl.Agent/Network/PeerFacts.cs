using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Axolotl.Runtime.Network;

namespace Axolotl.Agent.Network;

/// <summary>
/// What another node's object says about routing to it (pod CIDR, InternalIP, VTEP MAC), checked and
/// written out again from the parsed values before any of it reaches an `ip -batch` line run as root:
/// a Node object is written by that node, and a compromised node must not smuggle a second command
/// ("10.0.0.1\nroute del default") or an option into every other machine's routing.
/// </summary>
public static partial class PeerFacts
{
    /// <summary>"a.b.c.d" in canonical form, or null for anything that is not exactly a dotted-quad IPv4 address.</summary>
    public static string? Ipv4(string? text)
    {
        if (text is null || !DottedQuad().IsMatch(text) || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }
        return address.ToString();
    }

    /// <summary>"a.b.c.d/n" in canonical form (an IPv4 network with no host bits set), or null.</summary>
    public static string? Cidr(string? text)
    {
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0 || Ipv4(text![..slash]) is not { } address || !PrefixDigits().IsMatch(text[(slash + 1)..]) ||
            !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            return null;
        }
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        var value = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return (value & mask) == value ? $"{address}/{prefix.ToString(CultureInfo.InvariantCulture)}" : null;
    }

    /// <summary>A unicast Ethernet address as "xx:xx:xx:xx:xx:xx" (lower case), or null.</summary>
    public static string? Mac(string? text)
    {
        if (text is null || !MacAddress().IsMatch(text))
        {
            return null;
        }
        var lower = text.ToLowerInvariant();
        var first = Convert.ToByte(lower[..2], 16);
        // A multicast (group bit) or all-zero address would flood or go nowhere.
        return (first & 1) == 0 && lower != "00:00:00:00:00:00" ? lower : null;
    }

    /// <summary>
    /// Whether another node's (canonical) pod CIDR may be routed: it must lie inside <paramref name="clusterCidr"/> and
    /// overlap neither <paramref name="selfCidr"/> nor a CIDR already routed to another node (<paramref name="accepted"/>).
    /// A well-formed "0.0.0.0/0" or the LAN's own subnet would otherwise make "ip route replace" take over this
    /// machine's default or connected route. Null ranges skip their check.
    /// </summary>
    public static bool RoutableRange(string cidr, string? clusterCidr, string? selfCidr, IEnumerable<string> accepted) =>
        (clusterCidr is null || PodCidr.Within(cidr, clusterCidr)) &&
        (selfCidr is null || !PodCidr.Overlaps(cidr, selfCidr)) &&
        !accepted.Any(other => PodCidr.Overlaps(cidr, other));

    /// <summary>
    /// The order in which claims on one CIDR (or MAC) are settled: the Node created first wins, the name only
    /// breaks ties (one second's resolution). A creation time is the server's and cannot be written by a node,
    /// so a node that joins later cannot take an older node's range by picking a name that sorts first.
    /// Nodes without one (unknown) come last.
    /// </summary>
    public static IEnumerable<T> ClaimOrder<T>(IEnumerable<T> peers, Func<T, DateTimeOffset?> registered, Func<T, string> name) =>
        peers.OrderBy(p => registered(p) ?? DateTimeOffset.MaxValue).ThenBy(name, StringComparer.Ordinal);

    [GeneratedRegex(@"\A[0-9]{1,3}(\.[0-9]{1,3}){3}\z")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"\A[0-9]{1,2}\z")]
    private static partial Regex PrefixDigits();

    [GeneratedRegex(@"\A[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}\z")]
    private static partial Regex MacAddress();
}
