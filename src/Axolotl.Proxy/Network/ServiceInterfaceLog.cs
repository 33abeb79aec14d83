using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Network;

/// <summary>The service interface's log lines (event ids 8004–8006, in the service proxy's range).</summary>
internal static partial class ServiceInterfaceLog
{
    [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "Service proxy: took over interface {Interface} left by a previous run and emptied it")]
    public static partial void InterfaceReclaimed(ILogger logger, string @interface);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Information, Message = "Service proxy: the kernel has no dummy links ({Errors}); {Interface} is a bridge without ports instead")]
    public static partial void InterfaceFallback(ILogger logger, string @interface, string errors);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "Service proxy: changing addresses on {Interface} partly failed: {Errors}")]
    public static partial void InterfaceCommandFailed(ILogger logger, string @interface, string errors);
}
