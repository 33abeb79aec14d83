using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Informers;

internal static partial class InformerLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Informer {Resource}: listed {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string resource, int count, string? resourceVersion);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Informer {Resource}: watch from resourceVersion {ResourceVersion} expired ({Reason}); listing again")]
    public static partial void Relisting(ILogger logger, string resource, string? resourceVersion, string? reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Informer {Resource}: {Operation} failed; retrying in {Delay}")]
    public static partial void Failed(ILogger logger, Exception exception, string resource, string operation, TimeSpan delay);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Informer {Resource}: an event handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string resource);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Informer {Resource}: watch from resourceVersion {ResourceVersion} ended after {Count} events")]
    public static partial void WatchEnded(ILogger logger, string resource, string? resourceVersion, int count);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Informer {Resource}: {Operation} failed: {Error}; retrying in {Delay}, further failures at Debug")]
    public static partial void Unreachable(ILogger logger, string resource, string operation, string error, TimeSpan delay);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Informer {Resource}: {Operation} failed again ({Failures} in a row): {Error}; retrying in {Delay}")]
    public static partial void FailedAgain(ILogger logger, Exception? exception, string resource, string operation, int failures, string error, TimeSpan delay);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Informer {Resource}: the API server answers again after {Failures} failed attempts")]
    public static partial void Recovered(ILogger logger, string resource, int failures);
}
