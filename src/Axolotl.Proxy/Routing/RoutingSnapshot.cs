using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Axolotl.Proxy.Routing;

/// <summary>
/// Everything the forwarding path reads, built in one go and swapped atomically: which frontends
/// exist, which Service port each serves, and that port's endpoints. Never mutated after it is built,
/// so an accept reads one consistent view without locks.
/// </summary>
public sealed class RoutingSnapshot(
    IReadOnlyDictionary<ServicePortName, ServiceRoute> routes,
    IReadOnlyDictionary<Frontend, FrontendTarget> frontends,
    IReadOnlySet<IPAddress> clusterIps,
    IReadOnlyList<string> conflicts)
{
    public static RoutingSnapshot Empty { get; } = new(new Dictionary<ServicePortName, ServiceRoute>(), new Dictionary<Frontend, FrontendTarget>(), new HashSet<IPAddress>(), []);

    public IReadOnlyDictionary<ServicePortName, ServiceRoute> Routes { get; } = routes;

    public IReadOnlyDictionary<Frontend, FrontendTarget> Frontends { get; } = frontends;

    /// <summary>The cluster IPs the service interface must carry.</summary>
    public IReadOnlySet<IPAddress> ClusterIps { get; } = clusterIps;

    /// <summary>Frontends two Services wanted (the older Service keeps it), worded for the log.</summary>
    public IReadOnlyList<string> Conflicts { get; } = conflicts;

    /// <summary>The node's own addresses this snapshot was built for (node ports listen there; so does the Ingress controller).</summary>
    public IReadOnlyList<IPAddress> NodeAddresses { get; init; } = [];

    /// <summary>The frontend's Service port has an endpoint to send its connections to (ready, or serving while terminating).</summary>
    public bool HasEndpoints(Frontend frontend) => TryResolve(frontend, out var target, out var route) && route.For(target).Count > 0;

    public bool TryResolve(Frontend frontend, [NotNullWhen(true)] out FrontendTarget? target, [NotNullWhen(true)] out ServiceRoute? route)
    {
        route = null;
        return Frontends.TryGetValue(frontend, out target) && Routes.TryGetValue(target.Service, out route);
    }
}
