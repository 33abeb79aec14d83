using Axolotl.Hosting.HostTools;

namespace Axolotl.Runtime.Network;

/// <summary>
/// The node bridge that every pod's veth joins; it carries the gateway address of the pod CIDR. Its
/// MAC address is pinned: a bridge whose address was never set takes the lowest MAC of its ports, so
/// it changes whenever a pod's veth with a lower one joins or the lowest one leaves. Every pod keeps
/// the old gateway MAC in its ARP cache, and the host's packets to pods go unanswered for seconds:
/// the service-load benchmark lost every client's request at once during rollouts this way.
/// </summary>
public static class NodeNetwork
{
    /// <summary>Creates the bridge with a pinned MAC and the gateway address and brings it up; safe to call repeatedly.</summary>
    public static async Task EnsureAsync(string bridge, PodCidr cidr, CancellationToken ct, int? mtu = null)
    {
        var commands = new List<string>();
        if (!IpCommand.LinkExists(bridge))
        {
            commands.Add($"link add {bridge} address {StableMac(bridge)} type bridge");
        }
        else if (!AddressPinned(bridge) && CurrentMac(bridge) is { } current)
        {
            // A bridge from before the pinning: keep the address the pods already know, but set it.
            commands.Add($"link set {bridge} address {current}");
        }

        commands.Add($"addr replace {cidr.Gateway}/{cidr.Prefix} dev {bridge}");
        if (mtu is { } bytes)
        {
            commands.Add($"link set {bridge} mtu {bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        commands.Add($"link set {bridge} up");
        await IpCommand.BatchAsync(commands, null, force: false, ct);
    }

    /// <summary>A locally administered unicast MAC derived from the bridge name, so a recreated bridge keeps its address.</summary>
    public static string StableMac(string bridge)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(bridge));
        return "02:" + string.Join(':', hash[..5].Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>The kernel's addr_assign_type 3 (NET_ADDR_SET): the address was chosen, so ports joining or leaving never change it.</summary>
    public static bool AddressPinned(string bridge) => ReadSys(bridge, "addr_assign_type") == "3";

    private static string? CurrentMac(string bridge) => ReadSys(bridge, "address");

    private static string? ReadSys(string device, string attribute)
    {
        try
        {
            return File.ReadAllText($"/sys/class/net/{device}/{attribute}").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Deletes the bridge (tests and explicit node teardown only); idempotent.</summary>
    public static async Task TeardownAsync(string bridge, CancellationToken ct)
    {
        if (IpCommand.LinkExists(bridge))
        {
            await IpCommand.RunAsync($"link del {bridge}", ct);
        }
    }
}
