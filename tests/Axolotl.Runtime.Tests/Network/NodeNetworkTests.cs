using Axolotl.Runtime.Network;

namespace Axolotl.Runtime.Tests.Network;

public sealed class NodeNetworkTests
{
    [Fact]
    public async Task Ensuring_the_bridge_twice_is_harmless_and_teardown_removes_it()
    {
        var bridge = "axn" + Guid.NewGuid().ToString("N")[..8];
        var cidr = new PodCidr($"10.252.{Convert.ToInt32(bridge[3..5], 16)}.0/24");
        try
        {
            await NodeNetwork.EnsureAsync(bridge, cidr, CancellationToken.None);
            await NodeNetwork.EnsureAsync(bridge, cidr, CancellationToken.None);

            Assert.True(Directory.Exists($"/sys/class/net/{bridge}/bridge"));
            var flags = Convert.ToInt32((await File.ReadAllTextAsync($"/sys/class/net/{bridge}/flags")).Trim(), 16);
            Assert.Equal(1, flags & 1); // IFF_UP
            Assert.Contains(cidr.Gateway + "/24", await IpAddressesAsync(bridge), StringComparison.Ordinal);
        }
        finally
        {
            await NodeNetwork.TeardownAsync(bridge, CancellationToken.None);
        }

        Assert.False(Directory.Exists($"/sys/class/net/{bridge}"));
    }

    [Fact]
    public async Task The_bridge_keeps_its_MAC_when_pod_veths_join_and_leave()
    {
        var bridge = "axn" + Guid.NewGuid().ToString("N")[..8];
        var cidr = new PodCidr($"10.252.{Convert.ToInt32(bridge[3..5], 16)}.0/24");
        var veth = "axv" + bridge[3..];
        try
        {
            await NodeNetwork.EnsureAsync(bridge, cidr, CancellationToken.None);
            var mac = await File.ReadAllTextAsync($"/sys/class/net/{bridge}/address");
            Assert.Equal(NodeNetwork.StableMac(bridge), mac.Trim());
            Assert.True(NodeNetwork.AddressPinned(bridge));

            // A port with a lower MAC than the bridge's would take over an unpinned bridge's address.
            await RunIpAsync($"link add {veth} address 02:00:00:00:00:01 type veth peer name {veth}p");
            await RunIpAsync($"link set {veth} master {bridge} up");
            Assert.Equal(mac, await File.ReadAllTextAsync($"/sys/class/net/{bridge}/address"));
            await RunIpAsync($"link del {veth}");
            Assert.Equal(mac, await File.ReadAllTextAsync($"/sys/class/net/{bridge}/address"));
        }
        finally
        {
            if (Directory.Exists($"/sys/class/net/{veth}"))
            {
                await RunIpAsync($"link del {veth}");
            }
            await NodeNetwork.TeardownAsync(bridge, CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_older_unpinned_bridge_is_pinned_at_the_address_it_has()
    {
        var bridge = "axn" + Guid.NewGuid().ToString("N")[..8];
        var cidr = new PodCidr($"10.252.{Convert.ToInt32(bridge[3..5], 16)}.0/24");
        try
        {
            await RunIpAsync($"link add {bridge} type bridge");
            var mac = await File.ReadAllTextAsync($"/sys/class/net/{bridge}/address");
            Assert.False(NodeNetwork.AddressPinned(bridge));

            await NodeNetwork.EnsureAsync(bridge, cidr, CancellationToken.None);

            Assert.True(NodeNetwork.AddressPinned(bridge));
            Assert.Equal(mac, await File.ReadAllTextAsync($"/sys/class/net/{bridge}/address"));
        }
        finally
        {
            await NodeNetwork.TeardownAsync(bridge, CancellationToken.None);
        }
    }

    private static async Task RunIpAsync(string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip", arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ip {arguments}: {error}");
    }

    private static async Task<string> IpAddressesAsync(string device)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip", $"-br addr show dev {device}") { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text;
    }
}
