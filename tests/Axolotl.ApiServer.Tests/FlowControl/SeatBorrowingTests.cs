using Axolotl.Api.FlowControl;
using Axolotl.ApiServer.FlowControl;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.FlowControl;

/// <summary>Seats move from an idle level to a busy one, and back, as upstream's borrowing adjustment moves them.</summary>
public sealed class SeatBorrowingTests
{
    private readonly FakeTimeProvider _clock = new();

    private static PriorityLevelConfiguration Level(string name, int shares, int lendable, int? borrowingLimit = null) => new()
    {
        Metadata = new() { Name = name, Uid = name },
        Spec = new()
        {
            Type = "Limited",
            Limited = new()
            {
                NominalConcurrencyShares = shares,
                LendablePercent = lendable,
                BorrowingLimitPercent = borrowingLimit,
                LimitResponse = new() { Type = "Queue", Queuing = new() { Queues = 4, HandSize = 2, QueueLengthLimit = 50 } },
            },
        },
    };

    private FlowControlConfigCache Cache(params PriorityLevelConfiguration[] levels)
    {
        var cache = new FlowControlConfigCache(null!, 20, _clock, NullLogger<FlowControlConfigCache>.Instance);
        cache.Load([], levels);
        return cache;
    }

    [Fact]
    public void The_demand_integrator_weights_each_value_by_how_long_it_held()
    {
        var demand = new SeatDemandIntegrator(_clock);
        demand.Set(10);
        _clock.Advance(TimeSpan.FromSeconds(3));
        demand.Set(0);
        _clock.Advance(TimeSpan.FromSeconds(7));

        var observed = demand.Reset();

        Assert.Equal(10, observed.Seconds, 6);
        Assert.Equal(3, observed.Average, 6);                     // 10 for 3 s of 10
        Assert.Equal(Math.Sqrt(100 * 0.3 - 9), observed.Deviation, 6);
        Assert.Equal(10, observed.Max);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, demand.Reset().Max);                      // the peak starts again from the value now
    }

    [Fact]
    public void A_busy_level_borrows_what_an_idle_level_lends_and_gives_it_back()
    {
        // 20 seats, 10 each; "idle" lends up to 80% (floor 2), "busy" may borrow without limit.
        var cache = Cache(Level("idle", 10, lendable: 80), Level("busy", 10, lendable: 0));
        var idle = cache.Current.Levels["idle"];
        var busy = cache.Current.Levels["busy"];
        Assert.Equal((new LevelLimits(10, 2, 30), new LevelLimits(10, 10, 30)), (idle.Limits, busy.Limits));

        // Adjusted once at load with no demand seen: seats go in proportion to the floors (2 : 10 of 20).
        Assert.Equal((3, 17), (idle.CurrentLimit, busy.CurrentLimit));

        // Thirty requests of "busy" at once: seventeen run, thirteen wait.
        var tickets = Enumerable.Range(0, 30).Select(i => busy.Queues!.Enqueue((ulong)i)).ToList();
        Assert.Equal((17, 13), (busy.Queues!.Executing, busy.Queues.Waiting));
        _clock.Advance(SeatBorrowing.Period);
        cache.AdjustBorrowing();

        Assert.Equal(2, idle.CurrentLimit);
        Assert.Equal(18, busy.CurrentLimit);
        Assert.Equal((18, 12), (busy.Queues.Executing, busy.Queues.Waiting)); // the lent seats were handed to waiters at once
        Assert.Equal((2, 18), (idle.Queues!.Seats, busy.Queues.Seats));

        // "idle" wakes up with eight requests: it is back to its nominal 10 at the next adjustment, as its peak says.
        var woke = Enumerable.Range(0, 8).Select(i => idle.Queues.Enqueue((ulong)i)).ToList();
        Assert.Equal(2, idle.Queues.Executing);
        _clock.Advance(SeatBorrowing.Period);
        cache.AdjustBorrowing();

        Assert.Equal(8, idle.CurrentLimit);
        Assert.Equal(8, idle.Queues.Executing);
        Assert.Equal(12, busy.CurrentLimit);
        Assert.Equal(20, idle.CurrentLimit + busy.CurrentLimit);
        GC.KeepAlive(tickets);
        GC.KeepAlive(woke);
    }

    [Fact]
    public void A_borrowing_limit_caps_what_a_busy_level_takes()
    {
        var cache = Cache(Level("idle", 10, lendable: 100), Level("capped", 10, lendable: 0, borrowingLimit: 30));
        var capped = cache.Current.Levels["capped"];
        _ = Enumerable.Range(0, 40).Select(i => capped.Queues!.Enqueue((ulong)i)).ToList();
        _clock.Advance(SeatBorrowing.Period);

        cache.AdjustBorrowing();

        Assert.Equal(13, capped.CurrentLimit); // nominal 10 + round(10 × 30%)
        Assert.Equal(7, cache.Current.Levels["idle"].CurrentLimit);
    }

    [Fact]
    public void A_level_that_lends_nothing_keeps_its_nominal_seats_however_busy_the_other()
    {
        var cache = Cache(Level("keeps", 10, lendable: 0), Level("busy", 10, lendable: 0));
        var busy = cache.Current.Levels["busy"];
        _ = Enumerable.Range(0, 40).Select(i => busy.Queues!.Enqueue((ulong)i)).ToList();
        _clock.Advance(SeatBorrowing.Period);

        cache.AdjustBorrowing();

        Assert.Equal((10, 10), (cache.Current.Levels["keeps"].CurrentLimit, busy.CurrentLimit));
    }
}
