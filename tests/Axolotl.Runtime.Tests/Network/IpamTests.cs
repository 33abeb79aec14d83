using Axolotl.Runtime.Network;

namespace Axolotl.Runtime.Tests.Network;

public sealed class IpamTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "axolotl-ipam-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void The_gateway_is_the_first_host_and_pods_get_the_addresses_after_it()
    {
        var cidr = new PodCidr("10.244.3.0/24");

        Assert.Equal("10.244.3.1", cidr.Gateway);
        Assert.Equal("10.244.3.2", cidr.PodAddresses.First());
        Assert.Equal("10.244.3.254", cidr.PodAddresses.Last());
        Assert.Equal(253, cidr.PodAddresses.Count());
    }

    [Theory]
    [InlineData("10.244.0.0")]
    [InlineData("10.244.0.0/8")]
    [InlineData("fd00::/64")]
    public void A_malformed_pod_cidr_is_rejected(string text) => Assert.Throws<ArgumentException>(() => new PodCidr(text));

    [Fact]
    public void Allocations_are_stable_per_pod_survive_a_new_instance_and_are_reused_after_release()
    {
        var cidr = new PodCidr("10.244.0.0/24");
        var ipam = new Ipam(_dir, cidr);

        var a = ipam.Allocate("pod-a");
        var b = ipam.Allocate("pod-b");
        var again = new Ipam(_dir, cidr);

        Assert.Equal("10.244.0.2", a);
        Assert.Equal("10.244.0.3", b);
        Assert.Equal(a, again.Allocate("pod-a"));
        again.Release("pod-a");
        Assert.Null(again.Find("pod-a"));
        Assert.Equal("10.244.0.2", again.Allocate("pod-c"));
    }

    [Fact]
    public void An_exhausted_range_fails_loudly()
    {
        var ipam = new Ipam(_dir, new PodCidr("10.244.0.0/30"));

        Assert.Equal("10.244.0.2", ipam.Allocate("one"));
        Assert.Throws<InvalidOperationException>(() => ipam.Allocate("two"));
    }
}
