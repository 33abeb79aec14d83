using Axolotl.Agent.Probes;

namespace Axolotl.Agent.Tests.Probes;

public sealed class ProbeScheduleTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void The_next_tick_stays_on_the_grid_when_a_probe_runs_late() =>
        Assert.Equal(S(20), ProbeSchedule.NextTick(S(10), S(10.7), S(10)));

    [Fact]
    public void Ticks_missed_entirely_are_skipped_not_run_in_a_burst() =>
        Assert.Equal(S(40), ProbeSchedule.NextTick(S(10), S(35), S(10)));

    [Fact]
    public void A_tick_exactly_at_now_is_skipped() =>
        Assert.Equal(S(30), ProbeSchedule.NextTick(S(10), S(20), S(10)));

    [Fact]
    public void Warm_up_retries_double_from_50_ms_and_stop_below_the_period()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(50), ProbeSchedule.WarmUpDelay(0, S(10)));
        Assert.Equal(TimeSpan.FromMilliseconds(400), ProbeSchedule.WarmUpDelay(3, S(10)));
        Assert.Null(ProbeSchedule.WarmUpDelay(1, TimeSpan.FromMilliseconds(100)));
    }

    [Theory]
    [InlineData(1, 3, new[] { false, false }, null)]
    [InlineData(1, 3, new[] { false, false, false }, false)]
    [InlineData(1, 3, new[] { false, false, true }, true)]
    [InlineData(2, 1, new[] { true }, null)]
    [InlineData(2, 1, new[] { true, false, true }, null)]
    [InlineData(2, 1, new[] { true, true }, true)]
    public void Results_publish_only_after_their_threshold_in_a_row(int successThreshold, int failureThreshold, bool[] results, bool? published)
    {
        var run = new ProbeResultRun();
        bool? last = null;
        foreach (var result in results)
        {
            last = run.Observe(result, successThreshold, failureThreshold);
        }
        Assert.Equal(published, last);
    }
}
