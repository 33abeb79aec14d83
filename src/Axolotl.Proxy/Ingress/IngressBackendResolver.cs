using Axolotl.Api.Core;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Turns an Ingress backend (a Service and a port number or name) into the service proxy's route for
/// that Service port, whose endpoints are the ready ones (or, when none is ready, those still serving
/// while they terminate): the Ingress reads the same routing snapshot the service proxy forwards by,
/// so both see an endpoint change at the same moment. Null when the Service or its port does not exist.
/// </summary>
public sealed class IngressBackendResolver(Func<string, string, Service?> services, Func<RoutingSnapshot> snapshot)
{
    public ServiceRoute? Resolve(IngressRouteBackend backend)
    {
        if (services(backend.Namespace, backend.Service)?.Spec?.Ports is not { } ports)
        {
            return null;
        }
        var port = backend.PortNumber is { } number
            ? ports.FirstOrDefault(p => p.Port == number && p.Protocol is null or "TCP")
            : ports.FirstOrDefault(p => p.Name == backend.PortName && p.Protocol is null or "TCP");
        return port is not null && snapshot().Routes.TryGetValue(new ServicePortName(backend.Namespace, backend.Service, port.Name ?? ""), out var route) ? route : null;
    }
}
