using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Where the Ingress controller listens, decided from the service proxy's snapshot: the HTTP and HTTPS ports on
/// loopback and on each of the node's own addresses (the ones node ports use), never on the wildcard. A wildcard
/// socket on :80 would make the kernel refuse the relay's listener for a Service's cluster IP on port 80 (ADR
/// 0025). A Service frontend on the same address and port (a LoadBalancer Service's node IP, a hostPort) was asked
/// for explicitly and keeps it: the controller leaves that one endpoint to the Service.
/// </summary>
public sealed record IngressListenPlan(IReadOnlySet<IngressEndpoint> Endpoints, IReadOnlyDictionary<IngressEndpoint, ServicePortName> LeftToServices)
{
    public static IngressListenPlan For(RoutingSnapshot snapshot, int httpPort, int httpsPort) =>
        For(snapshot, [(httpPort, false), (httpsPort, true)]);

    /// <summary>The plan for any set of ports, each plain HTTP or TLS (a Gateway's listeners).</summary>
    public static IngressListenPlan For(RoutingSnapshot snapshot, IReadOnlyList<(int Port, bool Tls)> ports)
    {
        var endpoints = new HashSet<IngressEndpoint>();
        var left = new Dictionary<IngressEndpoint, ServicePortName>();
        var addresses = snapshot.NodeAddresses.Prepend(IPAddress.Loopback)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.Broadcast))
            .Distinct();
        foreach (var address in addresses)
        {
            foreach (var (port, tls) in ports)
            {
                if (port <= 0)
                {
                    continue;
                }
                var endpoint = new IngressEndpoint(address, port, tls);
                if (snapshot.Frontends.TryGetValue(new Frontend(address, port, Transport.Tcp), out var service))
                {
                    left[endpoint] = service.Service;
                    continue;
                }
                endpoints.Add(endpoint);
            }
        }
        return new IngressListenPlan(endpoints, left);
    }
}
