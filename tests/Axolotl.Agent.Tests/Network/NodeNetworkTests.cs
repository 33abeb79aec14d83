using Axolotl.Agent.Network;

namespace Axolotl.Agent.Tests.Network;

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

    private static async Task<string> IpAddressesAsync(string device)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip", $"-br addr show dev {device}") { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text;
    }
}
