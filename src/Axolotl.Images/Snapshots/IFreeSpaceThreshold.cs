namespace Axolotl.Images.Snapshots;

/// <summary>
/// A threshold on a filesystem's free space, such as the node's imagefs.available eviction threshold:
/// the image store asks only how many bytes it keeps free, so it needs none of the agent's eviction
/// types (the agent's <c>ThresholdValue</c> is one). Its text names it in an unpack's error.
/// </summary>
public interface IFreeSpaceThreshold
{
    /// <summary>The bytes that must stay free on a filesystem of <paramref name="capacityBytes"/>.</summary>
    long FreeBytes(long capacityBytes);
}
