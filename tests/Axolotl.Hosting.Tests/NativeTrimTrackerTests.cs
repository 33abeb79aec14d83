using Axolotl.Hosting.Memory;

namespace Axolotl.Hosting.Tests;

public class NativeTrimTrackerTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private static readonly MemoryReclaimerOptions Options = new() { NativeTrimInterval = TimeSpan.FromSeconds(60), NativeGrowthThreshold = 16 * MiB };

    private static MemorySample Native(long mib) => new(0, 0, mib * MiB);

    [Fact]
    public void Growth_past_the_threshold_trims_once_the_interval_has_passed_and_not_before()
    {
        var tracker = new NativeTrimTracker(Options);
        tracker.Start(Native(80));
        var ticks = 0;
        for (; ticks < 11; ticks++)
        {
            Assert.False(tracker.ShouldTrim(Native(120), Tick));
        }
        Assert.True(tracker.ShouldTrim(Native(120), Tick)); // 60 s

        tracker.Trimmed(Native(90));
        Assert.False(tracker.ShouldTrim(Native(120), Tick)); // 5 s after the trim
    }

    [Fact]
    public void Growth_under_the_threshold_never_trims()
    {
        var tracker = new NativeTrimTracker(Options);
        tracker.Start(Native(80));
        for (var i = 0; i < 100; i++)
        {
            Assert.False(tracker.ShouldTrim(Native(95), Tick));
        }
    }

    [Fact]
    public void The_floor_follows_the_native_share_down()
    {
        var tracker = new NativeTrimTracker(Options);
        tracker.Start(Native(100));
        for (var i = 0; i < 12; i++)
        {
            Assert.False(tracker.ShouldTrim(Native(70), Tick));
        }
        // 100 would not have been growth from the start, but is 30 MiB over the floor of 70.
        Assert.True(tracker.ShouldTrim(Native(100), Tick));
    }
}
