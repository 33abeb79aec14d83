using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Runtime;

internal static partial class ControllerLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Controller {Controller}: starting {Workers} workers")]
    public static partial void Starting(ILogger logger, string controller, int workers);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Controller {Controller}: stopped")]
    public static partial void Stopped(ILogger logger, string controller);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Controller {Controller}: reconciling {Key} failed (attempt {Attempt}); retrying")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string controller, string key, int attempt);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Controller {Controller}: reconciling {Key} lost a race ({Error}); retrying")]
    public static partial void ReconcileRaced(ILogger logger, string controller, string key, string error);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Controller {Controller}: reconciling {Key} failed (attempt {Attempt}): {Error}; retrying")]
    public static partial void ReconcileRefused(ILogger logger, string controller, string key, int attempt, string error);
}
