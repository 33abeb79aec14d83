using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Dns;

internal static partial class DnsLog
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Cluster DNS for {Domain} listening on {EndPoint} (UDP and TCP)")]
    public static partial void Listening(ILogger logger, string domain, string endPoint);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Cluster DNS cannot listen on {EndPoint} ({Reason}); retrying")]
    public static partial void BindFailed(ILogger logger, string endPoint, string reason);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "Cluster DNS: {Transport} on {EndPoint} failed: {Reason}")]
    public static partial void ServeFailed(ILogger logger, string transport, string endPoint, string reason);
}
