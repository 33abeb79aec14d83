using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Events;

internal static partial class EventRecorderLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "{Component}: writing event {Reason} about {Object} failed; it is dropped")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string component, string reason, string? @object);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "{Component}: the event queue is full ({Capacity}); dropping events until it drains")]
    public static partial void QueueFull(ILogger logger, string component, int capacity);
}
