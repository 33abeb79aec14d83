using Axolotl.Controllers.NodeIpam;

namespace Axolotl.Controllers.Tests.NodeIpam;

public sealed class CidrSetTests
{
    [Fact]
    public void Subnets_are_handed_out_in_order_and_each_only_once()
    {
        var set = new CidrSet("10.244.0.0/16", 24);

        Assert.Equal(256, set.Capacity);
        Assert.Equal("10.244.0.0/24", set.AllocateNext());
        Assert.Equal("10.244.1.0/24", set.AllocateNext());
        Assert.True(set.Occupy("10.244.2.0/24"));
        Assert.False(set.Occupy("10.244.2.0/24"));
        Assert.Equal("10.244.3.0/24", set.AllocateNext());
        Assert.Equal(4, set.Allocated);
    }

    [Fact]
    public void A_released_subnet_is_reused_only_after_the_others()
    {
        var set = new CidrSet("10.10.0.0/22", 24);
        var all = Enumerable.Range(0, 4).Select(_ => set.AllocateNext()).ToList();
        Assert.Equal(["10.10.0.0/24", "10.10.1.0/24", "10.10.2.0/24", "10.10.3.0/24"], all);
        Assert.Null(set.AllocateNext());

        set.Release("10.10.1.0/24");
        Assert.False(set.IsUsed("10.10.1.0/24"));
        Assert.Equal("10.10.1.0/24", set.AllocateNext());
        Assert.Null(set.AllocateNext());
    }

    [Theory]
    [InlineData("10.245.0.0/24")]
    [InlineData("10.244.0.0/25")]
    [InlineData("10.244.0.0/23")]
    [InlineData("10.244.0.1/24")]
    [InlineData("not-a-cidr")]
    [InlineData("fd00::/64")]
    public void Anything_but_one_node_sized_subnet_of_the_cluster_cidr_is_not_occupied(string cidr)
    {
        var set = new CidrSet("10.244.0.0/16", 24);

        Assert.False(set.Occupy(cidr));
        Assert.Equal(0, set.Allocated);
        set.Release(cidr);
        Assert.Equal(0, set.Allocated);
    }

    [Theory]
    [InlineData("10.244.0.0/16", 15)]
    [InlineData("10.244.0.0/16", 31)]
    [InlineData("10.0.0.0/8", 25)]
    [InlineData("10.244.0.1/16", 24)]
    [InlineData("10.244.0.0", 24)]
    public void Bad_cluster_cidrs_and_mask_sizes_are_refused(string cidr, int mask) =>
        Assert.Throws<ArgumentException>(() => new CidrSet(cidr, mask));

    [Fact]
    public void Concurrent_allocations_never_hand_out_a_subnet_twice()
    {
        var set = new CidrSet("10.244.0.0/16", 24);
        var results = new System.Collections.Concurrent.ConcurrentBag<string?>();

        Parallel.For(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => results.Add(set.AllocateNext()));

        var given = results.OfType<string>().ToList();
        Assert.Equal(256, given.Count);
        Assert.Equal(256, given.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(44, results.Count(r => r is null));
    }
}
