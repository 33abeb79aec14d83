using Axolotl.Api.FlowControl;
using Axolotl.ApiServer.FlowControl;

namespace Axolotl.ApiServer.Tests.FlowControl;

public sealed class SeatAllocationTests
{
    private static readonly PriorityLevelConfiguration[] Defaults =
        [.. FlowControlBootstrap.MandatoryPriorityLevels, .. FlowControlBootstrap.SuggestedPriorityLevels];

    [Fact]
    public void The_default_600_seats_are_shared_by_nominal_shares_rounding_up()
    {
        // Shares: exempt 0, catch-all 5, system 30, node-high 40, leader-election 10, workload-high 40, workload-low 100, global-default 20: 245.
        var limits = SeatAllocation.Limits(Defaults, 600).ToDictionary(p => p.Key, p => p.Value.Nominal);

        Assert.Equal(0, limits["exempt"]);
        Assert.Equal(13, limits["catch-all"]);         // ceil(600 × 5 / 245) = ceil(12.24)
        Assert.Equal(74, limits["system"]);            // ceil(73.47)
        Assert.Equal(98, limits["node-high"]);         // ceil(97.96)
        Assert.Equal(25, limits["leader-election"]);   // ceil(24.49)
        Assert.Equal(245, limits["workload-low"]);     // 600 × 100 / 245 = 244.9
        Assert.Equal(49, limits["global-default"]);    // ceil(48.98)
    }

    [Fact]
    public void Tiny_server_limits_still_give_every_limited_level_one_seat()
    {
        var limits = SeatAllocation.Limits(Defaults, 3).ToDictionary(p => p.Key, p => p.Value.Nominal);

        Assert.All(Defaults.Where(l => l.Metadata.Name is not ("exempt" or "workload-low")), l => Assert.Equal(1, limits[l.Metadata.Name!]));
        Assert.Equal(2, limits["workload-low"]); // ceil(3 × 100 / 245) = ceil(1.22)
    }

    [Fact]
    public void A_level_edited_to_more_shares_takes_more_of_the_server()
    {
        var big = new PriorityLevelConfiguration
        {
            Metadata = new() { Name = "big" },
            Spec = new() { Type = "Limited", Limited = new() { NominalConcurrencyShares = 300, LimitResponse = new() { Type = "Reject" } } },
        };
        var small = new PriorityLevelConfiguration
        {
            Metadata = new() { Name = "small" },
            Spec = new() { Type = "Limited", Limited = new() { NominalConcurrencyShares = 100, LimitResponse = new() { Type = "Reject" } } },
        };

        var limits = SeatAllocation.Limits([big, small], 400).ToDictionary(p => p.Key, p => p.Value.Nominal);

        Assert.Equal((300, 100), (limits["big"], limits["small"]));
    }

    [Fact]
    public void Floors_and_ceilings_follow_lendablePercent_and_borrowingLimitPercent()
    {
        var limits = SeatAllocation.Limits(Defaults, 600);

        // workload-low lends 90%: round(245 × 0.9) = round(220.5) = 221, away from zero as Go's math.Round; no borrowing limit: up to the server's 600 more.
        Assert.Equal(new LevelLimits(245, 24, 845), limits["workload-low"]);
        // system lends 33%: round(74 × 0.33) = round(24.42) = 24.
        Assert.Equal(new LevelLimits(74, 50, 674), limits["system"]);
        // leader-election and catch-all lend nothing; exempt never borrows.
        Assert.Equal(new LevelLimits(25, 25, 625), limits["leader-election"]);
        Assert.Equal(new LevelLimits(0, 0, 0), limits["exempt"]);
        // A new level starts at its nominal less half of what it may lend.
        Assert.Equal(245 - 221 / 2, limits["workload-low"].Initial);
    }

    [Fact]
    public void A_borrowing_limit_caps_the_ceiling()
    {
        var capped = new PriorityLevelConfiguration
        {
            Metadata = new() { Name = "capped" },
            Spec = new() { Type = "Limited", Limited = new() { NominalConcurrencyShares = 10, LendablePercent = 50, BorrowingLimitPercent = 25, LimitResponse = new() { Type = "Reject" } } },
        };

        Assert.Equal(new LevelLimits(100, 50, 125), SeatAllocation.Limits([capped], 100)["capped"]);
    }
}
