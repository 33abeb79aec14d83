namespace Axolotl.Agent.Network;

/// <summary>The node bridge that every pod's veth joins; it carries the gateway address of the pod CIDR.</summary>
public static class NodeNetwork
{
    /// <summary>Creates the bridge with the gateway address and brings it up; safe to call repeatedly.</summary>
    public static async Task EnsureAsync(string bridge, PodCidr cidr, CancellationToken ct)
    {
        var commands = new List<string>();
        if (!IpCommand.LinkExists(bridge))
        {
            commands.Add($"link add {bridge} type bridge");
        }

        commands.Add($"addr replace {cidr.Gateway}/{cidr.Prefix} dev {bridge}");
        commands.Add($"link set {bridge} up");
        await IpCommand.BatchAsync(commands, null, force: false, ct);
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
