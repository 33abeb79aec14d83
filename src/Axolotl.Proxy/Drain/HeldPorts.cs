using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Drain;

/// <summary>
/// Which pods' listening sockets are worth holding (ADR 0030, issue 36): only this node's endpoints of a TCP Service port
/// the kernel serves (the relay replays its own connections; a pod behind no kernel frontend has no accept queue the table
/// fills), only while the EndpointSlice lists them and not terminating (a pod stopping gracefully closes its listener on
/// purpose: a held duplicate would keep accepting SYNs nobody answers). Pure: a snapshot in, a set out.
/// </summary>
public static class HeldPorts
{
    public static IReadOnlySet<HeldPort> Desired(RoutingSnapshot snapshot, IReadOnlySet<Frontend> kernelFrontends, string nodeName)
    {
        var held = new HashSet<HeldPort>();
        foreach (var frontend in kernelFrontends)
        {
            if (frontend.Transport != Transport.Tcp || !snapshot.TryResolve(frontend, out _, out var route))
            {
                continue;
            }
            foreach (var endpoint in route.All)
            {
                if (endpoint.NodeName == nodeName && endpoint.PodName is { } pod && !endpoint.Terminating)
                {
                    held.Add(new HeldPort(route.Name.Namespace, pod, endpoint.EndPoint.Address, endpoint.EndPoint.Port));
                }
            }
        }
        return held;
    }
}
