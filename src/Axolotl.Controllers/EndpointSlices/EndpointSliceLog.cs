using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.EndpointSlices;

internal static partial class EndpointSliceLog
{
    [LoggerMessage(EventId = 7201, Level = LogLevel.Debug, Message = "EndpointSlices of Service {Namespace}/{Name}: {Created} created, {Updated} updated, {Deleted} deleted")]
    public static partial void Wrote(ILogger logger, string? @namespace, string name, int created, int updated, int deleted);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Debug, Message = "EndpointSlices of Service {Namespace}/{Name}: the cache has not caught up with our last write; retrying")]
    public static partial void StaleCache(ILogger logger, string? @namespace, string name);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Debug, Message = "EndpointSlices of Service {Namespace}/{Name}: write refused ({Reason}); retrying")]
    public static partial void WriteRefused(ILogger logger, string? @namespace, string name, string reason);
}
