using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Ingress;

internal static partial class IngressLog
{
    [LoggerMessage(EventId = 8301, Level = LogLevel.Information, Message = "Ingress controller for node {Node} started: class {Class} ({Controller}), HTTP port {Http}, HTTPS port {Https}, on loopback and the node's own addresses")]
    public static partial void Started(ILogger logger, string node, string @class, string controller, string http, string https);

    [LoggerMessage(EventId = 8302, Level = LogLevel.Warning, Message = "Ingress controller: port {Port} is taken on {Addresses} ({Reason}); not served there, tried again in the background (move it with --ingress-http-port/--ingress-https-port, 0 turns it off)")]
    public static partial void BindFailed(ILogger logger, int port, string addresses, string reason);

    [LoggerMessage(EventId = 8311, Level = LogLevel.Information, Message = "Ingress controller listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, IngressEndpoint endpoint);

    [LoggerMessage(EventId = 8312, Level = LogLevel.Information, Message = "Ingress controller no longer listening on {Endpoint}")]
    public static partial void StoppedListening(ILogger logger, IngressEndpoint endpoint);

    [LoggerMessage(EventId = 8313, Level = LogLevel.Warning, Message = "Ingress controller: {Endpoint} is left to {Service}, which the service proxy serves there")]
    public static partial void LeftToService(ILogger logger, IngressEndpoint endpoint, Routing.ServicePortName service);

    [LoggerMessage(EventId = 8303, Level = LogLevel.Information, Message = "Ingress controller: created IngressClass {Class} (default: {Default})")]
    public static partial void ClassCreated(ILogger logger, string @class, bool @default);

    [LoggerMessage(EventId = 8304, Level = LogLevel.Warning, Message = "Ingress controller: Ingress {Namespace}/{Name}: {Message}")]
    public static partial void Problem(ILogger logger, string @namespace, string name, string message);

    [LoggerMessage(EventId = 8305, Level = LogLevel.Debug, Message = "Ingress controller: routes rebuilt ({Ingresses} Ingresses, {Hosts} hosts, {Certificates} certificates)")]
    public static partial void Rebuilt(ILogger logger, int ingresses, int hosts, int certificates);

    [LoggerMessage(EventId = 8306, Level = LogLevel.Warning, Message = "Ingress controller: sync failed")]
    public static partial void SyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8307, Level = LogLevel.Debug, Message = "Ingress controller: {Method} for {Backend} sent again: {Endpoint} failed before answering")]
    public static partial void Replayed(ILogger logger, string method, IngressRouteBackend backend, Routing.RouteEndpoint endpoint);

    [LoggerMessage(EventId = 8308, Level = LogLevel.Warning, Message = "Ingress controller: {Backend}: every endpoint tried ({Attempts}) failed before answering")]
    public static partial void NoEndpointLeft(ILogger logger, string backend, int attempts);

    [LoggerMessage(EventId = 8309, Level = LogLevel.Warning, Message = "Ingress controller: cannot write the status of Ingress {Namespace}/{Name}: {Reason}")]
    public static partial void StatusFailed(ILogger logger, string @namespace, string name, string reason);

    [LoggerMessage(EventId = 8310, Level = LogLevel.Information, Message = "Ingress controller stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 8314, Level = LogLevel.Warning, Message = "Ingress controller: may not read Secret {Namespace}/{Name} ({Reason}); asked again later")]
    public static partial void SecretRefused(ILogger logger, string @namespace, string name, string reason);

    [LoggerMessage(EventId = 8315, Level = LogLevel.Debug, Message = "Ingress controller: following Secret {Namespace}/{Name} failed ({Reason}); asked again later")]
    public static partial void SecretWatchFailed(ILogger logger, string @namespace, string name, string reason);
}
