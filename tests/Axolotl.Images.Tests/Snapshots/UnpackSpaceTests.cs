using Axolotl.Images.Oci;
using Axolotl.Images.Snapshots;
using static Axolotl.Images.Tests.Snapshots.LayerTars;

namespace Axolotl.Images.Tests.Snapshots;

/// <summary>
/// Issue 31, item 2: an unpack stops before the image filesystem's free space crosses the
/// imagefs.available threshold plus the store's reserve, and leaves nothing behind. The filesystem is
/// a fake whose free space shrinks by what the snapshots hold, so each look is deterministic.
/// </summary>
public sealed class UnpackSpaceTests : IDisposable
{
    private const long Mib = 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("axl-space-").FullName;
    private readonly List<long> _seen = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A 1000 MiB disk with <paramref name="freeMib"/> free before the snapshots take their share.</summary>
    private UnpackSpace Disk(long freeMib, long reserveMib = 16) => new()
    {
        ImageFsAvailable = new FreeFraction(0.15f),
        ReserveBytes = reserveMib * Mib,
        CheckEveryBytes = Mib,
        Probe = directory =>
        {
            // Each entry takes at least a block, as on ext4.
            var used = new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .Sum(f => Math.Max(4096, f is FileInfo file ? file.Length : 0));
            var available = (freeMib * Mib) - used;
            _seen.Add(available);
            return new Statfs(1000 * Mib, available, 1_000_000, 1_000_000, 1);
        },
    };

    [Fact]
    public async Task A_small_gzip_layer_that_would_cross_the_threshold_stops_before_it_and_leaves_nothing()
    {
        // 150 MiB (15%) + 16 MiB must stay free of 200 MiB: 34 MiB may be written, the layer holds 64 MiB of zeroes.
        var store = new SnapshotStore(Path.Combine(_dir, "snapshots"), Disk(freeMib: 200));
        var tar = Tar(new Entry("big", ZeroBytes: 64 * Mib));
        var blob = Gzip(tar);
        Assert.True(blob.Length < 1 * Mib, "the layer is small on the wire");

        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => store.PrepareAsync([Layer(tar, LayerCompression.Gzip, blob)], CancellationToken.None));

        Assert.StartsWith($"failed to extract layer {Digests.Of(tar)}: not enough free space on the image filesystem", e.Message, StringComparison.Ordinal);
        Assert.Contains("166 MiB must stay free (imagefs.available 15% of 1000 MiB plus a reserve of 16 MiB)", e.Message, StringComparison.Ordinal);
        Assert.All(_seen, available => Assert.True(available >= 166 * Mib, $"free space went down to {available / Mib} MiB"));
        Assert.True(_seen.Min() < 168 * Mib, "the unpack wrote up to the floor, not far short of it");
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Root));
    }

    [Fact]
    public async Task A_layer_that_fits_above_the_floor_unpacks()
    {
        var store = new SnapshotStore(Path.Combine(_dir, "snapshots"), Disk(freeMib: 200));
        var tar = Tar(new Entry("fits", ZeroBytes: 20 * Mib));

        var layers = await store.PrepareAsync([Layer(tar)], CancellationToken.None);

        Assert.Equal(20 * Mib, new FileInfo(Path.Combine(layers[0], "fits")).Length);
    }

    [Fact]
    public async Task The_reserve_is_kept_even_with_no_eviction_threshold_and_a_disk_already_under_it_takes_nothing()
    {
        var store = new SnapshotStore(Path.Combine(_dir, "snapshots"), Disk(freeMib: 100, reserveMib: 100) with { ImageFsAvailable = null });
        var tar = Tar(new Entry("tiny", Text: "x"));

        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => store.PrepareAsync([Layer(tar)], CancellationToken.None));

        Assert.Contains("after 0 MiB of this layer", e.Message, StringComparison.Ordinal);
        Assert.Contains("imagefs.available none", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Root));
    }

    [Fact]
    public async Task Many_empty_entries_are_counted_too()
    {
        // 20 000 empty files cost no data but inodes and directory blocks: 4 KiB each is 78 MiB, over the 34 MiB allowed.
        var store = new SnapshotStore(Path.Combine(_dir, "snapshots"), Disk(freeMib: 200));
        var tar = Tar([.. Enumerable.Range(0, 20_000).Select(i => new Entry($"d/{i}", Text: ""))]);

        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => store.PrepareAsync([Layer(tar)], CancellationToken.None));

        Assert.Contains("not enough free space", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A share of the capacity kept free, as the node's imagefs.available 15% is (the agent's ThresholdValue).</summary>
    private sealed record FreeFraction(float Fraction) : IFreeSpaceThreshold
    {
        public long FreeBytes(long capacityBytes) => (long)(capacityBytes * (double)Fraction);

        public override string ToString() => $"{Fraction * 100:0.##}%";
    }
}
