namespace Axolotl.Agent.Network;

/// <summary>
/// How pod traffic crosses machines, chosen once per cluster (`axolotl server --pod-network`) and
/// published on the kubernetes Service for agents to follow: host-gw routes every other node's pod
/// CIDR via its InternalIP (nodes must share a link); vxlan carries it in VXLAN over UDP between the
/// nodes' InternalIPs (any routed network between them will do).
/// </summary>
public enum PodNetworkMode
{
    HostGateway,
    Vxlan,
}

public static class PodNetworkModes
{
    public const string HostGatewayName = "host-gw";
    public const string VxlanName = "vxlan";

    public static PodNetworkMode Parse(string? text, string flag = "--pod-network") => text switch
    {
        null or HostGatewayName => PodNetworkMode.HostGateway,
        VxlanName => PodNetworkMode.Vxlan,
        _ => throw new ArgumentException($"invalid {flag} \"{text}\": want {HostGatewayName} or {VxlanName}"),
    };

    public static string Name(this PodNetworkMode mode) => mode == PodNetworkMode.Vxlan ? VxlanName : HostGatewayName;
}
