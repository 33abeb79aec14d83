using Axolotl.Hosting.Memory;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Hosting.Tests;

public class MemoryReclaimerTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task After_a_burst_and_a_quiet_spell_the_loop_reclaims_once_and_measures_what_it_freed()
    {
        var time = new FakeTimeProvider();
        var options = new MemoryReclaimerOptions { Interval = TimeSpan.FromSeconds(5), ReclaimAfterQuiet = [TimeSpan.FromSeconds(10)] };
        // Samples: start, a busy tick that grew to 400 MiB, then quiet ticks; after the reclaim, 150 MiB.
        long allocated = 0, resident = 100 * MiB;
        var reclaims = 0;
        var reclaimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sampled = new SemaphoreSlim(0);
        MemorySample Sample()
        {
            var sample = new MemorySample(Interlocked.Read(ref allocated), Interlocked.Read(ref resident));
            sampled.Release();
            return sample;
        }
        void Reclaim()
        {
            Interlocked.Increment(ref reclaims);
            Interlocked.Exchange(ref resident, 150 * MiB);
            reclaimed.TrySetResult();
        }
        await using var loop = new MemoryReclaimer(options, Sample, Reclaim, () => { }, time, NullLogger.Instance);
        loop.Start(CancellationToken.None);
        await sampled.WaitAsync(Deadline); // the first sample

        Interlocked.Exchange(ref allocated, 2_000 * MiB);
        Interlocked.Exchange(ref resident, 400 * MiB);
        await TickAsync(time, sampled); // busy
        await TickAsync(time, sampled); // quiet 5 s
        Assert.Equal(0, Volatile.Read(ref reclaims));
        await TickAsync(time, sampled); // quiet 10 s: reclaim, then the sample after it
        await reclaimed.Task.WaitAsync(Deadline);
        await sampled.WaitAsync(Deadline);
        for (var i = 0; i < 5; i++)
        {
            await TickAsync(time, sampled);
        }
        Assert.Equal(1, Volatile.Read(ref reclaims));
    }

    [Fact]
    public async Task Under_steady_load_the_loop_trims_the_grown_native_heap_without_a_collection()
    {
        var time = new FakeTimeProvider();
        var options = new MemoryReclaimerOptions { Interval = TimeSpan.FromSeconds(5), NativeTrimInterval = TimeSpan.FromSeconds(10), NativeGrowthThreshold = 16 * MiB };
        long allocated = 0, native = 50 * MiB;
        int reclaims = 0, trims = 0;
        var sampled = new SemaphoreSlim(0);
        MemorySample Sample()
        {
            // 400 MB allocated per 5 s tick: never quiet.
            var sample = new MemorySample(Interlocked.Add(ref allocated, 400 * MiB), 300 * MiB, Interlocked.Read(ref native));
            sampled.Release();
            return sample;
        }
        void Trim()
        {
            Interlocked.Increment(ref trims);
            Interlocked.Exchange(ref native, 55 * MiB);
        }
        await using var loop = new MemoryReclaimer(options, Sample, () => Interlocked.Increment(ref reclaims), Trim, time, NullLogger.Instance);
        loop.Start(CancellationToken.None);
        await sampled.WaitAsync(Deadline);

        Interlocked.Exchange(ref native, 90 * MiB);
        await TickAsync(time, sampled); // 5 s: grown, too soon
        Assert.Equal(0, Volatile.Read(ref trims));
        await TickAsync(time, sampled); // 10 s: trim, then the sample after it
        await sampled.WaitAsync(Deadline);
        Assert.Equal(1, Volatile.Read(ref trims));
        for (var i = 0; i < 4; i++)
        {
            await TickAsync(time, sampled); // 55 MiB stays under the new floor's threshold
        }
        Assert.Equal(1, Volatile.Read(ref trims));
        Assert.Equal(0, Volatile.Read(ref reclaims));
    }

    private static async Task TickAsync(FakeTimeProvider time, SemaphoreSlim sampled)
    {
        // The loop may not have reached its delay yet: advance until it takes its next sample.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await sampled.WaitAsync(TimeSpan.FromMilliseconds(20)))
        {
            time.Advance(TimeSpan.FromSeconds(5));
            Assert.True(waited.Elapsed < Deadline, "the loop took no sample");
        }
    }
}
