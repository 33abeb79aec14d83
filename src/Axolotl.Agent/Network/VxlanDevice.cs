using System.Globalization;
using Axolotl.Hosting.HostTools;
using Axolotl.Runtime.Network;

namespace Axolotl.Agent.Network;

/// <summary>
/// This machine's VXLAN device (<see cref="VxlanRoutes.Device"/>): VNI 1 on UDP 8472, sourced from the
/// node's InternalIP on the uplink (the interface holding it), no address learning (every remote MAC
/// comes from the Nodes), an MTU 50 bytes under the uplink's so an encapsulated packet still fits, and
/// a MAC derived from the node's address so a recreated device keeps the one other nodes were told.
/// </summary>
public static class VxlanDevice
{
    /// <summary>The MTU pods, their bridge and the device use: the uplink's minus the encapsulation.</summary>
    public static async Task<int> PodMtuAsync(string nodeIp, CancellationToken ct)
    {
        var uplink = await UplinkAsync(nodeIp, ct);
        var mtu = int.Parse(File.ReadAllText($"/sys/class/net/{uplink}/mtu").Trim(), CultureInfo.InvariantCulture);
        return mtu - VxlanRoutes.Overhead is var podMtu and >= 576
            ? podMtu
            : throw new InvalidOperationException($"the uplink {uplink} has MTU {mtu}: too small to carry VXLAN (needs at least {576 + VxlanRoutes.Overhead})");
    }

    /// <summary>Creates the device (or keeps one with the same VNI, port and local address), brings it up and returns its MAC.</summary>
    public static async Task<string> EnsureAsync(string nodeIp, int mtu, CancellationToken ct)
    {
        var uplink = await UplinkAsync(nodeIp, ct);
        var device = VxlanRoutes.Device;
        var details = IpCommand.LinkExists(device) ? await IpCommand.OutputAsync("ip", ["-d", "-o", "link", "show", "dev", device], ct) : "";
        var commands = new List<string>();
        if (details.Length > 0 && !Matches(details, nodeIp))
        {
            // Made for another address (the machine's changed) or by something else: ours is made afresh.
            commands.Add($"link del {device}");
        }
        if (details.Length == 0 || !Matches(details, nodeIp))
        {
            commands.Add($"link add {device} address {NodeNetwork.StableMac(device + "/" + nodeIp)} type vxlan id {VxlanRoutes.Vni} " +
                $"local {nodeIp} dev {uplink} dstport {VxlanRoutes.Port} nolearning");
        }
        commands.Add($"link set {device} mtu {mtu.ToString(CultureInfo.InvariantCulture)}");
        commands.Add($"link set {device} up");
        await IpCommand.BatchAsync(commands, null, force: false, ct);
        // Decapsulated packets come in on the device and are routed to the bridge: forwarding is checked on the input interface.
        await File.WriteAllTextAsync($"/proc/sys/net/ipv4/conf/{device}/forwarding", "1", ct);
        return File.ReadAllText($"/sys/class/net/{device}/address").Trim();
    }

    /// <summary>True when "ip -d link show" describes a VXLAN device with our VNI, local address and port.</summary>
    public static bool Matches(string details, string nodeIp) =>
        details.Contains($" vxlan id {VxlanRoutes.Vni} ", StringComparison.Ordinal) &&
        details.Contains($" local {nodeIp} ", StringComparison.Ordinal) &&
        details.Contains($" dstport {VxlanRoutes.Port} ", StringComparison.Ordinal);

    private static async Task<string> UplinkAsync(string nodeIp, CancellationToken ct) =>
        await IpCommand.InterfaceWithAsync(nodeIp, ct) ?? throw new InvalidOperationException($"no interface holds the node's address {nodeIp}: VXLAN needs it as its local address");
}
