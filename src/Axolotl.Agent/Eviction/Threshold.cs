namespace Axolotl.Agent.Eviction;

/// <summary>
/// One eviction threshold: the signal falls below <see cref="Value"/>. A zero grace period makes it a
/// hard threshold (evict at once, 1 s grace for the pod); a soft one must hold for its grace period.
/// </summary>
public sealed record Threshold(string Signal, ThresholdValue Value, TimeSpan GracePeriod, ThresholdValue? MinReclaim = null)
{
    public bool IsHard => GracePeriod == TimeSpan.Zero;
}
