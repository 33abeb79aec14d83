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
        await using var loop = new MemoryReclaimer(options, Sample, Reclaim, time, NullLogger.Instance);
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
