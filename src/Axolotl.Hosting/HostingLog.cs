using Microsoft.Extensions.Logging;

namespace Axolotl.Hosting;

/// <summary>A loop starting or stopping is routine (a server runs dozens): Debug; a failure is Error or Critical.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Loop {Loop}: started")]
    public static partial void LoopStarted(ILogger logger, string loop);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Loop {Loop}: failed; restarting in {Delay} (restart {Restart})")]
    public static partial void LoopRestarting(ILogger logger, Exception exception, string loop, TimeSpan delay, int restart);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Critical, Message = "Loop {Loop}: failed and is configured to fail fast")]
    public static partial void LoopFailedFast(ILogger logger, Exception exception, string loop);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug, Message = "Loop {Loop}: stopped")]
    public static partial void LoopStopped(ILogger logger, string loop);
}
