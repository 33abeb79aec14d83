using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ServiceLoadBalancer;

internal static partial class ServiceLoadBalancerLog
{
    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Service {Namespace}/{Name}: load balancer ingress set to {Ingress}")]
    public static partial void Published(ILogger logger, string? @namespace, string name, string ingress);
}
