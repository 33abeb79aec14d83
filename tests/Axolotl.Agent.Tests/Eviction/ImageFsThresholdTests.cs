using Axolotl.Agent.Eviction;
using Axolotl.Images.Snapshots;

namespace Axolotl.Agent.Tests.Eviction;

/// <summary>
/// Issue 31, item 2: the node hands its hard imagefs.available threshold to the image store, which stops
/// an unpack before the free space crosses it (tests/Axolotl.Images.Tests: UnpackSpaceTests).
/// </summary>
public sealed class ImageFsThresholdTests
{
    private const long Mib = 1024 * 1024;

    [Fact]
    public void The_node_takes_its_hard_imagefs_threshold()
    {
        Assert.Equal(ThresholdValue.OfPercentage(0.15f), EvictionConfig.Default.ImageFsAvailable);
        // 15% as a float: a few bytes over 150 MiB.
        Assert.InRange(new UnpackSpace { ImageFsAvailable = EvictionConfig.Default.ImageFsAvailable }.MinimumFree(1000 * Mib), (150 * Mib) + UnpackSpace.DefaultReserveBytes, (150 * Mib) + UnpackSpace.DefaultReserveBytes + 1024);
    }

    [Fact]
    public void The_threshold_names_itself_in_an_unpack_error_as_the_flag_writes_it()
    {
        Assert.Equal("15%", EvictionConfig.Default.ImageFsAvailable?.ToString());
    }
}
