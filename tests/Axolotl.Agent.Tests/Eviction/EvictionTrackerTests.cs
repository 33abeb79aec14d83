using Axolotl.Agent.Eviction;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Tests.Eviction;

public sealed class EvictionTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Quantity Capacity = Quantity.Parse("1Gi");

    private static Dictionary<string, SignalObservation> Memory(string available, DateTimeOffset at) => new(StringComparer.Ordinal)
    {
        [EvictionSignals.MemoryAvailable] = new(Quantity.Parse(available), Capacity, at),
    };

    private static EvictionConfig Config(string transition = "30s", params (string Name, string Value)[] more) =>
        EvictionConfigParser.Parse(name => name == "eviction-pressure-transition-period" ? transition : more.FirstOrDefault(f => f.Name == name).Value);

    [Fact]
    public void A_hard_threshold_sets_MemoryPressure_at_once_and_it_clears_only_after_the_transition_period()
    {
        var tracker = new EvictionTracker(Config());

        var calm = tracker.Observe(Memory("500Mi", T0), T0);
        Assert.Empty(calm.Conditions);
        Assert.Empty(calm.ToReclaim);

        var low = tracker.Observe(Memory("90Mi", T0.AddSeconds(10)), T0.AddSeconds(10));
        Assert.Equal(["MemoryPressure"], low.Conditions);
        Assert.Equal(EvictionSignals.MemoryAvailable, Assert.Single(low.ToReclaim).Signal);

        var relieved = tracker.Observe(Memory("500Mi", T0.AddSeconds(20)), T0.AddSeconds(20));
        Assert.Equal(["MemoryPressure"], relieved.Conditions);
        Assert.Empty(relieved.ToReclaim);

        Assert.Equal(["MemoryPressure"], tracker.Observe(Memory("500Mi", T0.AddSeconds(39)), T0.AddSeconds(39)).Conditions);
        Assert.Empty(tracker.Observe(Memory("500Mi", T0.AddSeconds(40)), T0.AddSeconds(40)).Conditions);
    }

    [Fact]
    public void A_soft_threshold_reports_pressure_at_once_but_reclaims_only_after_its_grace_period()
    {
        var tracker = new EvictionTracker(Config("30s", ("eviction-soft", "memory.available<300Mi"), ("eviction-soft-grace-period", "memory.available=1m")));

        var first = tracker.Observe(Memory("200Mi", T0), T0);
        Assert.Equal(["MemoryPressure"], first.Conditions);
        Assert.Empty(first.ToReclaim);
        Assert.Empty(tracker.Observe(Memory("200Mi", T0.AddSeconds(59)), T0.AddSeconds(59)).ToReclaim);

        var due = tracker.Observe(Memory("200Mi", T0.AddSeconds(60)), T0.AddSeconds(60));
        Assert.Equal(TimeSpan.FromMinutes(1), Assert.Single(due.ToReclaim).GracePeriod);

        // Recovered before the grace period of a new episode ran out: the clock starts again.
        tracker.Observe(Memory("400Mi", T0.AddSeconds(70)), T0.AddSeconds(70));
        Assert.Empty(tracker.Observe(Memory("200Mi", T0.AddSeconds(80)), T0.AddSeconds(80)).ToReclaim);
    }

    [Fact]
    public void A_met_threshold_stays_met_until_its_minimum_reclaim_is_recovered_too()
    {
        var tracker = new EvictionTracker(Config("30s", ("eviction-minimum-reclaim", "memory.available=100Mi")));

        Assert.Single(tracker.Observe(Memory("90Mi", T0), T0).ToReclaim);
        // Above 100Mi but not above 100Mi + 100Mi: still reclaiming.
        Assert.Single(tracker.Observe(Memory("150Mi", T0.AddSeconds(1)), T0.AddSeconds(1)).ToReclaim);
        Assert.Empty(tracker.Observe(Memory("250Mi", T0.AddSeconds(2)), T0.AddSeconds(2)).ToReclaim);
    }

    [Fact]
    public void An_observation_no_newer_than_the_last_is_not_acted_on_twice()
    {
        var tracker = new EvictionTracker(Config());
        Assert.Single(tracker.Observe(Memory("90Mi", T0), T0).ToReclaim);
        Assert.Empty(tracker.Observe(Memory("90Mi", T0), T0.AddSeconds(1)).ToReclaim);
    }

    [Fact]
    public void Percentages_are_taken_of_the_signals_capacity_and_memory_is_reclaimed_before_disk()
    {
        var tracker = new EvictionTracker(Config());
        var observations = new Dictionary<string, SignalObservation>(StringComparer.Ordinal)
        {
            [EvictionSignals.NodeFsAvailable] = new(Quantity.Parse("9Gi"), Quantity.Parse("100Gi"), T0),
            [EvictionSignals.MemoryAvailable] = new(Quantity.Parse("50Mi"), Capacity, T0),
        };

        var decision = tracker.Observe(observations, T0);

        Assert.Equal(["MemoryPressure", "DiskPressure"], decision.Conditions);
        Assert.Equal([EvictionSignals.MemoryAvailable, EvictionSignals.NodeFsAvailable], decision.ToReclaim.Select(t => t.Signal));
    }
}
