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

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Loop {Loop}: started")]
    public static partial void LoopStarted(ILogger logger, string loop);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Loop {Loop}: failed; restarting in {Delay} (restart {Restart})")]
    public static partial void LoopRestarting(ILogger logger, Exception exception, string loop, TimeSpan delay, int restart);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Critical, Message = "Loop {Loop}: failed and is configured to fail fast")]
    public static partial void LoopFailedFast(ILogger logger, Exception exception, string loop);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Loop {Loop}: stopped")]
    public static partial void LoopStopped(ILogger logger, string loop);
}
