using System.Net;

namespace Axolotl.Proxy.Conntrack;

/// <summary>
/// Which UDP conntrack entries keep a client on an endpoint the Service no longer has (kube-proxy's conntrack cleanup,
/// pkg/proxy/conntrack): conntrack pins a UDP "flow" to the endpoint its first datagram was DNATed to, and a client that
/// keeps its socket (DNS resolvers, syslog, statsd) would keep sending to a gone pod until the entry idles out (30 s, or
/// 120 s once both sides spoke). Pure decision, table-driven tests.
/// </summary>
public static class StaleUdpFlows
{
    /// <summary>
    /// The entries to delete: those sent to a kernel UDP frontend whose reply comes from an address that is not one of
    /// its endpoints now (a departed or unready endpoint, or the frontend itself: an entry made before the frontend had
    /// an endpoint, or while the relay served it, which DNAT would otherwise never see again), and those sent to a
    /// frontend that is gone (its Service, cluster IP or port removed). A frontend with no endpoint at all is left alone,
    /// as kube-proxy leaves it: nothing better exists for its clients, and its entries go once an endpoint comes.
    /// </summary>
    /// <param name="endpoints">Each kernel UDP frontend and the endpoint addresses its clients may stay on.</param>
    /// <param name="gone">UDP frontends the kernel served before and does not now.</param>
    public static IReadOnlyList<ConntrackFlow> Select(IEnumerable<ConntrackFlow> flows, IReadOnlyDictionary<IPEndPoint, IReadOnlySet<IPAddress>> endpoints,
        IReadOnlySet<IPEndPoint> gone)
    {
        var stale = new List<ConntrackFlow>();
        foreach (var flow in flows)
        {
            if (flow.Protocol != ConntrackFlow.Udp)
            {
                continue;
            }
            if (endpoints.TryGetValue(flow.OriginalDestination, out var allowed)
                ? allowed.Count > 0 && !allowed.Contains(flow.ReplySource)
                : gone.Contains(flow.OriginalDestination))
            {
                stale.Add(flow);
            }
        }
        return stale;
    }
}
