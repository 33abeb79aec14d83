namespace Axolotl.Controllers.CronJobs;

/// <summary>Settings of the CronJob controller.</summary>
public sealed record CronJobControllerOptions
{
    /// <summary>
    /// The zone of schedules without spec.timeZone: the controller's local zone, as upstream's
    /// kube-controller-manager uses its own.
    /// </summary>
    public TimeZoneInfo LocalTimeZone { get; init; } = TimeZoneInfo.Local;

    public int Workers { get; init; } = 2;
}
