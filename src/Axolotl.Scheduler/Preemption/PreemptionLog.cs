using Microsoft.Extensions.Logging;

namespace Axolotl.Scheduler.Preemption;

internal static partial class PreemptionLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Writing the status of {Pod} for a preemption failed")]
    public static partial void StatusWriteFailed(ILogger logger, Exception exception, string pod);
}
