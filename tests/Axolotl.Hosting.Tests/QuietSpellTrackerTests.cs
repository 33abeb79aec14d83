using Axolotl.Hosting.Memory;

namespace Axolotl.Hosting.Tests;

public class QuietSpellTrackerTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private static readonly MemoryReclaimerOptions Options = new()
    {
        Interval = Tick,
        ReclaimAfterQuiet = [TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)],
        QuietAllocationBytesPerSecond = 8 * MiB,
        GrowthThreshold = 32 * MiB,
    };

    [Fact]
    public void It_reclaims_once_the_process_has_grown_and_then_stayed_quiet_long_enough()
    {
        var run = new Run(residentMiB: 100);
        Assert.False(run.Busy(residentMiB: 300));
        Assert.False(run.Quiet(residentMiB: 300));
        Assert.False(run.Quiet(residentMiB: 300));
        Assert.True(run.Quiet(residentMiB: 300));
    }

    [Fact]
    public void It_never_reclaims_under_load_however_much_the_process_grew()
    {
        var run = new Run(residentMiB: 100);
        for (var i = 0; i < 50; i++)
        {
            Assert.False(run.Busy(residentMiB: 100 + 20 * i));
        }
    }

    [Fact]
    public void A_quiet_process_that_did_not_grow_is_left_alone()
    {
        var run = new Run(residentMiB: 100);
        for (var i = 0; i < 50; i++)
        {
            Assert.False(run.Quiet(residentMiB: 100 + 31));
        }
    }

    [Fact]
    public void A_spell_that_followed_growth_reclaims_at_each_point_then_waits_for_new_load_and_growth()
    {
        var run = new Run(residentMiB: 100);
        run.Busy(residentMiB: 300);
        run.Quiet(residentMiB: 300);
        run.Quiet(residentMiB: 300);
        Assert.True(run.Quiet(residentMiB: 300)); // 15 s
        run.Reclaimed(residentMiB: 250); // what is left is live: the new floor
        Assert.False(run.Quiet(residentMiB: 250));
        Assert.False(run.Quiet(residentMiB: 250));
        Assert.True(run.Quiet(residentMiB: 250)); // 30 s: the second point, growth or not
        run.Reclaimed(residentMiB: 240);

        for (var i = 0; i < 20; i++)
        {
            Assert.False(run.Quiet(residentMiB: 300));
        }
        run.Busy(residentMiB: 260);
        run.Quiet(residentMiB: 260);
        run.Quiet(residentMiB: 260);
        for (var i = 0; i < 20; i++)
        {
            Assert.False(run.Quiet(residentMiB: 260)); // 20 MiB over the floor is not worth a collection
        }
        run.Busy(residentMiB: 320);
        run.Quiet(residentMiB: 320);
        run.Quiet(residentMiB: 320);
        Assert.True(run.Quiet(residentMiB: 320));
    }

    [Fact]
    public void The_floor_follows_memory_down_so_growth_is_counted_from_the_lowest_point()
    {
        var run = new Run(residentMiB: 200);
        run.Quiet(residentMiB: 120); // the GC gave some back by itself
        run.Busy(residentMiB: 160);
        run.Quiet(residentMiB: 160);
        run.Quiet(residentMiB: 160);
        Assert.True(run.Quiet(residentMiB: 160));
    }

    /// <summary>Feeds the tracker one sample per tick: busy ticks allocate 100 MiB/s, quiet ones 1 MiB/s.</summary>
    private sealed class Run
    {
        private readonly QuietSpellTracker _tracker = new(Options);
        private MemorySample _last;

        public Run(long residentMiB)
        {
            _last = new MemorySample(0, residentMiB * MiB);
            _tracker.Start(_last);
        }

        public bool Busy(long residentMiB) => Next(100 * MiB, residentMiB);

        public bool Quiet(long residentMiB) => Next(1 * MiB, residentMiB);

        public void Reclaimed(long residentMiB)
        {
            _last = _last with { ResidentBytes = residentMiB * MiB };
            _tracker.Reclaimed(_last);
        }

        private bool Next(long bytesPerSecond, long residentMiB)
        {
            var now = new MemorySample(_last.AllocatedBytes + bytesPerSecond * (long)Tick.TotalSeconds, residentMiB * MiB);
            var reclaim = _tracker.ShouldReclaim(_last, now, Tick);
            _last = now;
            return reclaim;
        }
    }
}
