using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Axolotl.Hosting.Memory;

/// <summary>
/// Gives memory back once a burst is over. The workstation GC collects only when the process
/// allocates, so a server left quiet after a burst keeps the burst's garbage (and the heap it grew)
/// until load comes back; glibc likewise keeps the native heap TLS and SQLite grew. When the process
/// has grown by <see cref="MemoryReclaimerOptions.GrowthThreshold"/> and then gone quiet, a compacting,
/// decommitting collection and a <c>malloc_trim</c> return both, at the points of the quiet spell that
/// <see cref="MemoryReclaimerOptions.ReclaimAfterQuiet"/> lists. Never under load, so the pause (tens of
/// milliseconds on a heap of a few hundred MB) does not land on a busy moment. Under load only glibc's arenas
/// are trimmed, when they grew (<see cref="NativeTrimTracker"/>): that takes no collection.
/// </summary>
public sealed class MemoryReclaimer : BackgroundLoop
{
    /// <summary>The meter of the reclaim counters; a metrics registry that lists it serves them.</summary>
    public const string MeterName = "Axolotl.Memory";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Reclaims =
        Meter.CreateCounter<long>("axolotl_memory_reclaims_total", description: "Collections the memory reclaimer ran after a burst, when the process had gone quiet.");
    private static readonly Counter<long> ReclaimedBytes =
        Meter.CreateCounter<long>("axolotl_memory_reclaimed_bytes_total", unit: "By", description: "Resident memory the memory reclaimer's collections gave back to the system.");

    private static readonly Counter<long> NativeTrims =
        Meter.CreateCounter<long>("axolotl_memory_native_trims_total", description: "Trims of glibc's arenas under load, when the native heap had grown.");

    private readonly MemoryReclaimerOptions _options;
    private readonly Func<MemorySample> _sample;
    private readonly Action _reclaim;
    private readonly Action _trimNative;

    public MemoryReclaimer(MemoryReclaimerOptions options, TimeProvider time, ILogger logger)
        : this(options, MemorySample.Take, ReclaimNow, NativeHeap.Trim, time, logger)
    {
    }

    /// <summary>For tests: the sampling and the reclaiming are given.</summary>
    internal MemoryReclaimer(MemoryReclaimerOptions options, Func<MemorySample> sample, Action reclaim, Action trimNative, TimeProvider time, ILogger logger)
        : base("memory-reclaimer", LoopFailurePolicy.RestartWithBackoff, time, logger)
    {
        _options = options;
        _sample = sample;
        _reclaim = reclaim;
        _trimNative = trimNative;
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var tracker = new QuietSpellTracker(_options);
        var native = new NativeTrimTracker(_options);
        var last = _sample();
        tracker.Start(last);
        native.Start(last);
        while (true)
        {
            await Task.Delay(_options.Interval, Time, ct);
            var now = _sample();
            if (tracker.ShouldReclaim(last, now, _options.Interval))
            {
                var started = Time.GetTimestamp();
                _reclaim();
                var after = _sample();
                var pause = Time.GetElapsedTime(started);
                tracker.Reclaimed(after);
                native.Trimmed(after);
                var freed = Math.Max(0, now.ResidentBytes - after.ResidentBytes);
                Reclaims.Add(1);
                ReclaimedBytes.Add(freed);
                MemoryLog.Reclaimed(Logger, now.ResidentBytes / Mebibyte, after.ResidentBytes / Mebibyte, pause.TotalMilliseconds);
                now = after;
            }
            else if (native.ShouldTrim(now, _options.Interval))
            {
                var started = Time.GetTimestamp();
                _trimNative();
                var after = _sample();
                native.Trimmed(after);
                var took = Time.GetElapsedTime(started);
                NativeTrims.Add(1);
                MemoryLog.NativeTrimmed(Logger, now.NativeBytes / Mebibyte, after.NativeBytes / Mebibyte, took.TotalMilliseconds);
                now = after;
            }
            last = now;
        }
    }

    private const double Mebibyte = 1024 * 1024;

    /// <summary>A full, compacting collection that also decommits what it frees, then glibc's trim of its free arenas.</summary>
    private static void ReclaimNow()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    }
}
