using Microsoft.Extensions.Logging;

namespace Axolotl.Scheduler;

internal static partial class SchedulerLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Scheduled pod {Pod} on node {Node}")]
    public static partial void Scheduled(ILogger logger, string pod, string node);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Pod {Pod} is unschedulable: {Message}")]
    public static partial void Unschedulable(ILogger logger, string pod, string message);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Binding pod {Pod} to node {Node} failed; retrying after backoff")]
    public static partial void BindFailed(ILogger logger, Exception exception, string pod, string node);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Writing the PodScheduled condition of {Pod} failed")]
    public static partial void ConditionFailed(ILogger logger, Exception exception, string pod);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Scheduling pod {Pod} failed; retrying after backoff")]
    public static partial void CycleFailed(ILogger logger, Exception exception, string pod);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Pod {Pod} preempts {Victims} pod(s) on node {Node}")]
    public static partial void Preempted(ILogger logger, string pod, string node, int victims);
}
