using System.Net;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Drain;

/// <summary>
/// Where a connection drained from a dead pod's held listener may go (ADR 0030, issue 36): it lost its DNAT with the pod,
/// so its conntrack entry (found by the reply tuple the drained socket shows) says which frontend the client reached. Only
/// a kernel TCP frontend whose Service port lists the dead endpoint qualifies; the connection then goes to that frontend
/// through the relay, never to the dead endpoint. Anything else (the client dialled the pod's address itself, the frontend
/// or its Service went, the entry says another endpoint) gets no frontend, and the connection is reset as today: it is
/// never sent anywhere the client could not have reached. Pure.
/// </summary>
public static class OriginalFrontend
{
    public static Frontend? Resolve(RoutingSnapshot snapshot, IReadOnlySet<Frontend> kernelFrontends, ConntrackFlow? flow, IPEndPoint deadEndpoint)
    {
        if (flow is not { Protocol: ConntrackFlow.Tcp } || !flow.ReplySource.Equals(deadEndpoint.Address))
        {
            return null;
        }
        var frontend = new Frontend(flow.OriginalDestination.Address, flow.OriginalDestination.Port, Transport.Tcp);
        if (!kernelFrontends.Contains(frontend) || !snapshot.TryResolve(frontend, out _, out var route)
            || !route.All.Any(e => e.EndPoint.Equals(deadEndpoint)))
        {
            return null;
        }
        return frontend;
    }
}
