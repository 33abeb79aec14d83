using System.Globalization;

namespace Axolotl.Images.Snapshots;

/// <summary>
/// Counts what one layer's unpack writes and looks at the filesystem once per
/// <see cref="UnpackSpace.CheckEveryBytes"/>: before the next stretch is written there must be room for
/// all of it above the floor, so the unpack stops before free space crosses the floor, never after.
/// An entry counts a block even when empty (its inode and directory entry cost space too).
/// </summary>
internal sealed class UnpackSpaceGuard(UnpackSpace space, string directory)
{
    private const long EntryCost = 4096;
    private long _allowance;

    /// <summary>Bytes counted so far.</summary>
    public long Written { get; private set; }

    /// <summary>Accounts for <paramref name="bytes"/> about to be written; throws when they would take the filesystem under its floor.</summary>
    public void Reserve(long bytes)
    {
        Written += bytes;
        _allowance -= bytes;
        if (_allowance < 0)
        {
            // The stretch covers what is about to be written and what may follow until the next look.
            Check(Math.Max(space.CheckEveryBytes, -_allowance));
        }
    }

    public void ReserveEntry() => Reserve(EntryCost);

    private void Check(long stretch)
    {
        if (space.Probe(directory) is not { } fs)
        {
            // Nothing to measure against (the directory's filesystem cannot be read): ENOSPC still stops the unpack.
            _allowance += stretch;
            return;
        }

        var floor = space.MinimumFree(fs.CapacityBytes);
        if (fs.AvailableBytes - stretch < floor)
        {
            throw new LayerUnpackException(string.Create(CultureInfo.InvariantCulture,
                $"not enough free space on the image filesystem: {Mib(fs.AvailableBytes)} MiB free after {Mib(Written)} MiB of this layer, " +
                $"{Mib(floor)} MiB must stay free (imagefs.available {space.ImageFsAvailable?.ToString() ?? "none"} of {Mib(fs.CapacityBytes)} MiB plus a reserve of {Mib(space.ReserveBytes)} MiB)"));
        }

        _allowance += stretch;
    }

    private static long Mib(long bytes) => bytes / (1024 * 1024);
}
