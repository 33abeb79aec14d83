using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Axolotl.Images;

/// <summary>
/// The kubelet's image garbage collection: every <see cref="Period"/>, when the disk that holds the
/// images is <see cref="HighThresholdPercent"/> % full, images no pod on the node uses are removed,
/// least recently used first and none younger than <see cref="MinimumAge"/>, until usage is down to
/// <see cref="LowThresholdPercent"/> %. An image in use is never removed.
/// </summary>
public sealed class ImageGarbageCollector(ImageService images, Func<IReadOnlySet<string>> imagesInUse, TimeProvider time, ILogger log)
{
    public int HighThresholdPercent { get; init; } = 85;

    public int LowThresholdPercent { get; init; } = 80;

    public TimeSpan MinimumAge { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan Period { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The disk's size and free bytes; statvfs of the store by default (tests give a fake disk).</summary>
    public Func<(long Capacity, long Available)> Disk { get; init; } = () => DiskOf(images.Options.Root);

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Period, time, ct);
                Collect();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogWarning(e, "image garbage collection failed");
            }
        }
    }

    /// <summary>One pass; returns the names removed.</summary>
    public IReadOnlyList<string> Collect()
    {
        var (capacity, available) = Disk();
        if (capacity <= 0 || (capacity - available) * 100 < HighThresholdPercent * capacity)
        {
            return [];
        }

        var toFree = (capacity * (100 - LowThresholdPercent) / 100) - available;
        var inUse = imagesInUse();
        var now = time.GetUtcNow();
        var removed = new List<string>();
        // One image is every name of one config; it goes only if none of its names is in use.
        var candidates = images.Records.All()
            .GroupBy(r => r.ConfigDigest, StringComparer.Ordinal)
            .Where(g => !g.Any(r => inUse.Contains(r.Name)) && g.All(r => now - r.LastUsed >= MinimumAge))
            .OrderBy(g => g.Max(r => r.LastUsed));
        long freed = 0;
        foreach (var image in candidates)
        {
            if (freed >= toFree)
            {
                break;
            }

            foreach (var record in image)
            {
                images.Remove(record.Name);
                removed.Add(record.Name);
            }

            freed += image.Max(r => r.Size);
        }

        if (removed.Count > 0)
        {
            images.RemoveUnreferencedContent();
            images.RemoveUnusedSnapshots();
            if (log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation("image garbage collection removed {Names} ({Bytes} bytes of layers)", string.Join(", ", removed), freed);
            }
        }

        return removed;
    }

    private static (long, long) DiskOf(string path)
    {
        // struct statvfs on LP64 Linux: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, ... (8 bytes each).
        var buffer = new long[16];
        if (StatVfs(path, buffer) != 0)
        {
            throw new IOException($"statvfs {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }

        var fragment = buffer[1];
        return (buffer[2] * fragment, buffer[4] * fragment);
    }

    [DllImport("libc", EntryPoint = "statvfs", SetLastError = true)]
    private static extern int StatVfs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, long[] buffer);
}
