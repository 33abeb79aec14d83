using Axolotl.Storage.Compaction;

namespace Axolotl.Storage.Tests;

public sealed class CompactionPlannerTests
{
    [Fact]
    public void The_first_tick_never_compacts_because_nothing_is_one_interval_old_yet()
    {
        var planner = new CompactionPlanner(retainRevisions: 10);

        Assert.Null(planner.Tick(currentRevision: 1_000, compactRevision: 0));
    }

    [Fact]
    public void A_schedule_started_on_a_store_with_history_compacts_that_history_at_the_first_tick()
    {
        var planner = new CompactionPlanner(retainRevisions: 10, startRevision: 700);

        Assert.Equal(700, planner.Tick(currentRevision: 1_000, compactRevision: 0));
    }

    [Fact]
    public void A_tick_compacts_to_the_revision_seen_one_tick_earlier()
    {
        var planner = new CompactionPlanner(retainRevisions: 10);
        planner.Tick(500, 0);

        Assert.Equal(500, planner.Tick(1_000, 0));
    }

    [Fact]
    public void The_newest_retained_revisions_are_never_compacted()
    {
        var planner = new CompactionPlanner(retainRevisions: 10_000);
        planner.Tick(12_000, 0);

        Assert.Equal(3_000, planner.Tick(13_000, 0));
    }

    [Theory]
    [InlineData(100, 150, 0)]
    [InlineData(500, 1_000, 500)]
    [InlineData(500, 1_000, 700)]
    public void Nothing_is_planned_when_the_target_is_not_beyond_the_compact_revision(long previous, long current, long compacted)
    {
        var planner = new CompactionPlanner(retainRevisions: 500);
        planner.Tick(previous, compacted);

        Assert.Null(planner.Tick(current, compacted));
    }
}
