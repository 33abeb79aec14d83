using Axolotl.Api.Batch;

namespace Axolotl.Controllers.CronJobs;

/// <summary>Which scheduled time a CronJob should run now (upstream mostRecentScheduleTime).</summary>
public static class ScheduleTimes
{
    /// <summary>More missed times than this earns the TooManyMissedTimes warning (upstream's "somewhat arbitrary" 100).</summary>
    public const int TooManyMissed = 100;

    public readonly record struct Result(DateTimeOffset? MostRecent, long Missed);

    /// <summary>
    /// The latest scheduled time in (earliest, now], where earliest is the last schedule time (or the
    /// creation time), moved up to now − startingDeadlineSeconds when that is later; and roughly how
    /// many scheduled times were in that window, counted as upstream does (the gap between the first
    /// two, divided into the time elapsed).
    /// </summary>
    public static Result MostRecent(CronJob cronJob, CronSchedule schedule, TimeZoneInfo zone, DateTimeOffset now)
    {
        var earliest = cronJob.Status?.LastScheduleTime ?? cronJob.Metadata.CreationTimestamp ?? now;
        if (cronJob.Spec?.StartingDeadlineSeconds is { } deadline)
        {
            var schedulingDeadline = now.AddSeconds(-deadline);
            if (schedulingDeadline > earliest)
            {
                earliest = schedulingDeadline;
            }
        }
        if (schedule.Next(earliest, zone) is not { } t1 || now < t1)
        {
            return new Result(null, 0);
        }
        if (schedule.Next(t1, zone) is not { } t2 || now < t2)
        {
            return new Result(t1, 1);
        }
        var between = (long)Math.Round((t2 - t1).TotalSeconds);
        if (between < 1)
        {
            return new Result(null, 0);
        }
        var missed = (long)(now - t1).TotalSeconds / between + 1;
        // Walk to the exact latest time: from t1 when few were missed, else from about two gaps before now.
        var t = missed > TooManyMissed ? now.AddSeconds(-2 * between) : t1;
        if (t < t1)
        {
            t = t1;
        }
        DateTimeOffset latest = t1;
        var cursor = t == t1 ? (DateTimeOffset?)t1 : schedule.Next(t, zone);
        while (cursor is { } c && c <= now)
        {
            latest = c;
            cursor = schedule.Next(c, zone);
        }
        return new Result(latest, missed);
    }

    /// <summary>The job name for a scheduled time: "&lt;cronjob&gt;-&lt;minutes since the epoch&gt;".</summary>
    public static string JobName(string cronJobName, DateTimeOffset scheduled) => $"{cronJobName}-{scheduled.ToUnixTimeSeconds() / 60}";
}
