using Axolotl.ApiServer.FlowControl;

namespace Axolotl.ApiServer.Tests.FlowControl;

public sealed class ConcurrencyAllocationTests
{
    [Fact]
    public void Without_binding_bounds_seats_go_in_proportion_to_the_targets()
    {
        var (allocations, fairProp) = ConcurrencyAllocation.Compute(100, [new(30, 0, 1000), new(10, 0, 1000)]);

        Assert.Equal(75, allocations[0], 6);
        Assert.Equal(25, allocations[1], 6);
        Assert.Equal(2.5, fairProp, 6);
    }

    [Fact]
    public void A_floor_holds_and_the_others_share_what_is_left()
    {
        // The idle level keeps its floor of 20; the busy one gets the other 80 although it wants more.
        var (allocations, _) = ConcurrencyAllocation.Compute(100, [new(20, 20, 1000), new(500, 0, 1000)]);

        Assert.Equal(20, allocations[0], 6);
        Assert.Equal(80, allocations[1], 6);
    }

    [Fact]
    public void A_ceiling_holds_and_the_rest_goes_to_the_others()
    {
        var (allocations, _) = ConcurrencyAllocation.Compute(100, [new(90, 0, 40), new(10, 0, 1000)]);

        Assert.Equal(40, allocations[0], 6);
        Assert.Equal(60, allocations[1], 6);
        Assert.Equal(100, allocations.Sum(), 6);
    }

    [Fact]
    public void Floors_that_fill_the_server_are_what_everyone_gets()
    {
        var (allocations, _) = ConcurrencyAllocation.Compute(10, [new(8, 6, 20), new(9, 4, 20)]);

        Assert.Equal([6, 4], allocations);
    }

    [Fact]
    public void Ceilings_below_the_server_are_what_everyone_gets()
    {
        var (allocations, _) = ConcurrencyAllocation.Compute(100, [new(5, 0, 10), new(5, 0, 20)]);

        Assert.Equal([10, 20], allocations);
    }

    [Fact]
    public void An_idle_level_with_no_floor_still_gets_its_tiny_proportion()
    {
        var (allocations, _) = ConcurrencyAllocation.Compute(10, [new(0, 0, 100), new(10, 0, 100)]);

        Assert.True(allocations[0] < 0.01, $"idle got {allocations[0]}");
        Assert.Equal(10, allocations.Sum(), 6);
    }

    [Fact]
    public void A_claim_whose_target_is_below_its_floor_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ConcurrencyAllocation.Compute(10, [new(1, 2, 5)]));
    }
}
