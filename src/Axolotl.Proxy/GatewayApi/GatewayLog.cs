using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.GatewayApi;

internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 8501, Level = LogLevel.Information, Message = "Gateway API controller for node {Node} started ({Controller}); waiting for the gateway.networking.k8s.io CRDs")]
    public static partial void Started(ILogger logger, string node, string controller);

    [LoggerMessage(EventId = 8502, Level = LogLevel.Information, Message = "Gateway API controller: CRDs established (bundle version {Version}); watching GatewayClasses, Gateways and HTTPRoutes")]
    public static partial void Watching(ILogger logger, string version);

    [LoggerMessage(EventId = 8503, Level = LogLevel.Information, Message = "Gateway API controller: CRDs gone; no longer serving Gateways")]
    public static partial void Unwatched(ILogger logger);

    [LoggerMessage(EventId = 8504, Level = LogLevel.Information, Message = "Gateway API controller: {Gateways} Gateways, {Routes} HTTPRoutes, ports {Ports}")]
    public static partial void Rebuilt(ILogger logger, int gateways, int routes, string ports);

    [LoggerMessage(EventId = 8505, Level = LogLevel.Warning, Message = "Gateway API controller: pass failed, retrying")]
    public static partial void SyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8506, Level = LogLevel.Warning, Message = "Gateway API controller: status of {Kind} {Namespace}/{Name} not written: {Message}")]
    public static partial void StatusFailed(ILogger logger, string kind, string @namespace, string name, string message);

    [LoggerMessage(EventId = 8507, Level = LogLevel.Warning, Message = "Gateway API controller: the {Kind} informer did not list within {Timeout}; retrying")]
    public static partial void NotSynced(ILogger logger, string kind, TimeSpan timeout);
}
