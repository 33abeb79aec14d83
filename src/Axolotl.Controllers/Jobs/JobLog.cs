using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Jobs;

internal static partial class JobLog
{
    [LoggerMessage(EventId = 7701, Level = LogLevel.Warning, Message = "Job {Namespace}/{Name} has an invalid selector; leaving it alone")]
    public static partial void InvalidSelector(ILogger logger, Exception exception, string? @namespace, string name);

    [LoggerMessage(EventId = 7702, Level = LogLevel.Information, Message = "Job {Namespace}/{Name} finished {Seconds} s ago with ttlSecondsAfterFinished {Ttl}; deleting it")]
    public static partial void TtlExpired(ILogger logger, string? @namespace, string name, double seconds, int ttl);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Removed the tracking finalizer from orphan pod {Namespace}/{Name}")]
    public static partial void OrphanFinalizerRemoved(ILogger logger, string? @namespace, string? name);
}
