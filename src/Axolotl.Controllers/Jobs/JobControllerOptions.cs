namespace Axolotl.Controllers.Jobs;

/// <summary>Settings of the Job controller; the defaults are upstream's.</summary>
public sealed record JobControllerOptions
{
    /// <summary>The first delay before a failed pod is replaced (upstream DefaultJobPodFailureBackOff).</summary>
    public TimeSpan PodFailureBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest delay before a failed pod is replaced (upstream MaxJobPodFailureBackOff).</summary>
    public TimeSpan MaxPodFailureBackoff { get; init; } = TimeSpan.FromMinutes(6);

    /// <summary>Most pods created or deleted in one sync (upstream MaxPodCreateDeletePerSync).</summary>
    public int MaxPodCreateDeletePerSync { get; init; } = 500;

    public int Workers { get; init; } = 5;
}
