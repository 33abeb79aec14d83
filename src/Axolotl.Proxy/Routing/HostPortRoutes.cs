using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Core;

namespace Axolotl.Proxy.Routing;

/// <summary>
/// Container hostPorts, as the CNI portmap plugin gives them: a port on the node (on hostIP when it
/// names a local address, else on every node port address) forwarded to the pod's IP and container
/// port. They are frontends of the same proxy as node ports, each with a route of one endpoint, the
/// pod, whatever its readiness (portmap does not look at it). hostNetwork pods need none: they listen
/// on the node themselves. TCP and UDP, as the proxy; SCTP is refused at admission.
/// </summary>
public static class HostPortRoutes
{
    /// <summary>The route's name: the pod and the host port, in the pod's namespace.</summary>
    public static ServicePortName NameFor(Pod pod, int hostPort, Transport transport = Transport.Tcp) =>
        new(pod.Metadata.Namespace ?? "", "hostport:" + pod.Metadata.Name,
            hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + (transport == Transport.Udp ? "/udp" : ""));

    public static IEnumerable<(Frontend Frontend, ServiceRoute Route)> For(IEnumerable<Pod> pods, RoutingContext context)
    {
        foreach (var pod in pods.OrderBy(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (pod.Spec is not { HostNetwork: not true } spec || pod.Status?.Phase is "Succeeded" or "Failed" || pod.Metadata.DeletionTimestamp is not null
                || !IPAddress.TryParse(pod.Status?.PodIP, out var podIp) || podIp.AddressFamily != AddressFamily.InterNetwork)
            {
                continue;
            }

            foreach (var port in spec.AllContainers().SelectMany(c => c.Ports ?? []))
            {
                if (port.HostPort is not (> 0 and var hostPort) || (port.Protocol ?? "TCP") is not ("TCP" or "UDP"))
                {
                    continue;
                }
                var transport = (port.Protocol ?? "TCP") == "UDP" ? Transport.Udp : Transport.Tcp;

                var endpoint = new RouteEndpoint(new IPEndPoint(podIp, port.ContainerPortNumber), true, Serving: true, Terminating: false, spec.NodeName, pod.Metadata.Name);
                var route = new ServiceRoute(NameFor(pod, hostPort, transport), [endpoint], context.NodeName, internalLocal: false, externalLocal: false);
                var addresses = IPAddress.TryParse(port.HostIP, out var hostIp) && !hostIp.Equals(IPAddress.Any) ? [hostIp] : context.NodePortAddresses;
                foreach (var address in addresses.Where(a => a.Equals(IPAddress.Loopback) || context.IsLocalAddress(a) || context.NodePortAddresses.Contains(a)))
                {
                    yield return (new Frontend(address, hostPort, transport), route);
                }
            }
        }
    }
}
