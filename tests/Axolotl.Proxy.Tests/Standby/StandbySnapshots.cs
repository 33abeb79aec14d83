using System.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>Small routing snapshots for the standby table's tests, built directly (the builder has its own tests).</summary>
internal static class StandbySnapshots
{
    public static RouteEndpoint Ready(string address, int port, string node = "node-1") =>
        new(new IPEndPoint(IPAddress.Parse(address), port), Ready: true, Serving: true, Terminating: false, node, null);

    public static RouteEndpoint NotReady(string address, int port) =>
        new(new IPEndPoint(IPAddress.Parse(address), port), Ready: false, Serving: false, Terminating: false, "node-1", null);

    public static RoutingSnapshot Build(params (string Frontend, Transport Transport, FrontendKind Kind, ServiceRoute Route)[] entries)
    {
        var routes = new Dictionary<ServicePortName, ServiceRoute>();
        var frontends = new Dictionary<Frontend, FrontendTarget>();
        var clusterIps = new HashSet<IPAddress>();
        foreach (var (text, transport, kind, route) in entries)
        {
            var endPoint = IPEndPoint.Parse(text);
            routes[route.Name] = route;
            frontends[new Frontend(endPoint.Address, endPoint.Port, transport)] = new FrontendTarget(route.Name, kind);
            if (kind == FrontendKind.ClusterIP)
            {
                clusterIps.Add(endPoint.Address);
            }
        }
        return new RoutingSnapshot(routes, frontends, clusterIps, []);
    }

    public static ServiceRoute Route(string ns, string name, string port, bool externalLocal, params RouteEndpoint[] endpoints) =>
        new(new ServicePortName(ns, name, port), endpoints, "node-1", internalLocal: false, externalLocal: externalLocal);
}
