namespace Axolotl.Images.Snapshots;

/// <summary>
/// How much of the image filesystem a layer may fill: an unpack stops while the free space would still
/// stay above <see cref="MinimumFree"/> of the filesystem's capacity, the node's imagefs.available hard
/// eviction threshold (15% unless configured) plus a reserve no image can take, kept for the node's
/// own state (the API store's database, logs, checkpoints) that often share the disk. Without it a
/// 200 KB gzip layer of zeroes can become gigabytes and fill the disk the store writes to.
/// </summary>
public sealed record UnpackSpace
{
    /// <summary>Kept free whatever the thresholds say: enough for the store's database and its WAL to grow while the node evicts.</summary>
    public const long DefaultReserveBytes = 256L * 1024 * 1024;

    /// <summary>The node's imagefs.available hard threshold (the agent's eviction configuration); null: only the reserve is kept.</summary>
    public IFreeSpaceThreshold? ImageFsAvailable { get; init; }

    public long ReserveBytes { get; init; } = DefaultReserveBytes;

    /// <summary>How many bytes may be written between two looks at the filesystem (a statvfs each).</summary>
    public long CheckEveryBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Reads the filesystem that holds a directory; replaced in tests.</summary>
    public Func<string, Statfs?> Probe { get; init; } = Statfs.Of;

    /// <summary>The bytes that must stay free on a filesystem of <paramref name="capacityBytes"/>.</summary>
    public long MinimumFree(long capacityBytes) => (ImageFsAvailable?.FreeBytes(capacityBytes) ?? 0) + ReserveBytes;
}
