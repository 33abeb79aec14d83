using Axolotl.Agent.Network;

namespace Axolotl.Agent.Tests.Network;

/// <summary>br_netfilter and bridge-nf-call-iptables turned on where they can be, and a reason where they cannot.</summary>
public sealed class BridgeFilteringTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bridge-filtering-").FullName;

    private string Sysctl => Path.Combine(_dir, "bridge-nf-call-iptables");

    [Fact]
    public async Task A_sysctl_at_zero_is_set_to_one()
    {
        await File.WriteAllTextAsync(Sysctl, "0\n");

        Assert.Null(await BridgeFiltering.EnsureAsync(Sysctl, _ => throw new InvalidOperationException("no module load expected"), CancellationToken.None));
        Assert.Equal("1", await File.ReadAllTextAsync(Sysctl));
    }

    [Fact]
    public async Task A_missing_sysctl_loads_the_module_first()
    {
        var loaded = 0;
        Assert.Null(await BridgeFiltering.EnsureAsync(Sysctl, async ct =>
        {
            loaded++;
            await File.WriteAllTextAsync(Sysctl, "0", ct);
            return null;
        }, CancellationToken.None));

        Assert.Equal(1, loaded);
        Assert.Equal("1", await File.ReadAllTextAsync(Sysctl));
    }

    [Fact]
    public async Task A_module_that_cannot_be_loaded_is_the_reason_given()
    {
        var reason = await BridgeFiltering.EnsureAsync(Sysctl, _ => Task.FromResult<string?>("modprobe exited 1: not found"), CancellationToken.None);

        Assert.Equal("the br_netfilter module could not be loaded (modprobe exited 1: not found)", reason);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
