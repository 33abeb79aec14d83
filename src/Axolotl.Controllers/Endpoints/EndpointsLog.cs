using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Endpoints;

internal static partial class EndpointsLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Debug, Message = "Endpoints {Namespace}/{Name}: {Verb} ({Ready} ready, {NotReady} not ready addresses)")]
    public static partial void Wrote(ILogger logger, string? @namespace, string name, string verb, int ready, int notReady);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Debug, Message = "Endpoints {Namespace}/{Name}: the cache has not caught up with our last write; retrying")]
    public static partial void StaleCache(ILogger logger, string? @namespace, string name);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Debug, Message = "Endpoints {Namespace}/{Name}: deleted with its Service")]
    public static partial void Deleted(ILogger logger, string? @namespace, string name);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Debug, Message = "Endpoints {Namespace}/{Name}: not written ({Reason})")]
    public static partial void Skipped(ILogger logger, string? @namespace, string name, string reason);
}
