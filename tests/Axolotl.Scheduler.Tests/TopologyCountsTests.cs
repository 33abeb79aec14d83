using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Tests;

public sealed class TopologyCountsTests
{
    [Fact]
    public void A_pair_brought_to_zero_no_longer_counts_as_matched()
    {
        var counts = new TopologyCounts();
        counts.Add("zone", "z1", 2);
        counts.Add("zone", "z2", 1);
        counts.Add("kubernetes.io/hostname", "z1", 1);
        Assert.Equal(3, counts.Count);

        counts.Add("zone", "z1", -2);
        counts.Add("zone", "z3", 0);

        Assert.Equal(2, counts.Count);
        Assert.Equal(0, counts["zone", "z1"]);
        Assert.Equal(1, counts["zone", "z2"]);
        Assert.Equal(1, counts["kubernetes.io/hostname", "z1"]);
        Assert.Equal(0, counts["rack", "z1"]);
    }

    [Fact]
    public void A_clone_changes_apart_from_its_source()
    {
        var counts = new TopologyCounts();
        counts.Add("zone", "z1", 1);
        var clone = counts.Clone();

        clone.Add("zone", "z1", -1);
        clone.Add("zone", "z2", 1);

        Assert.Equal((1, 1L, 0L), (counts.Count, counts["zone", "z1"], counts["zone", "z2"]));
        Assert.Equal((1, 0L, 1L), (clone.Count, clone["zone", "z1"], clone["zone", "z2"]));
    }
}
