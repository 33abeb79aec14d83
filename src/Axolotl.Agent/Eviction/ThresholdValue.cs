using Axolotl.Api.Resources;
using Axolotl.Images.Snapshots;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// A threshold's amount: an absolute quantity or a fraction (0..1) of the signal's capacity. As a free
/// space threshold it is what the image store keeps free while it unpacks (imagefs.available).
/// </summary>
public sealed record ThresholdValue(Quantity? Quantity, float Percentage) : IFreeSpaceThreshold
{
    public static ThresholdValue Of(Quantity quantity) => new(quantity, 0);

    public static ThresholdValue OfPercentage(float fraction) => new(null, fraction);

    /// <summary>The amount against a capacity (upstream GetThresholdQuantity: a percentage is truncated to whole units).</summary>
    public Quantity Resolve(Quantity capacity) =>
        Quantity ?? Api.Resources.Quantity.FromBytes((long)(capacity.Value() * (double)Percentage));

    public long FreeBytes(long capacityBytes) => Resolve(Api.Resources.Quantity.FromBytes(capacityBytes)).Value();

    public override string ToString() => Quantity?.ToString() ?? $"{Percentage * 100:0.##}%";
}
