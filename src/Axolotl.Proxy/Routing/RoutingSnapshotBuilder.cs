using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Annotations;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Api.Net;

namespace Axolotl.Proxy.Routing;

/// <summary>
/// Builds a <see cref="RoutingSnapshot"/> from Services and EndpointSlices, as kube-proxy reads them:
/// TCP and UDP ports (SCTP is refused at admission); a slice contributes to a Service port when it is labelled with the Service's name
/// and lists a port of the same name and protocol; the first address of each endpoint counts, and an
/// endpoint listed twice (slices in transition) counts once, ready if either copy is. Frontends are
/// the cluster IP, each node address for a node port, and local load balancer ingress IPs; when two
/// Services want the same one, the older Service keeps it.
/// </summary>
public static class RoutingSnapshotBuilder
{
    public static RoutingSnapshot Build(IEnumerable<Service> services, IEnumerable<EndpointSlice> slices, RoutingContext context, IEnumerable<Pod>? nodePods = null)
    {
        var slicesByService = slices
            .Where(s => s.AddressType == "IPv4" && s.Metadata.Labels?.GetValueOrDefault(WellKnown.LabelServiceName) is { Length: > 0 })
            .ToLookup(s => (s.Metadata.Namespace ?? "", s.Metadata.Labels![WellKnown.LabelServiceName]));
        var routes = new Dictionary<ServicePortName, ServiceRoute>();
        var frontends = new Dictionary<Frontend, FrontendTarget>();
        var clusterIps = new HashSet<IPAddress>();
        var conflicts = new List<string>();

        var ordered = services
            .Where(s => s.Spec is not null && s.Spec.Type != "ExternalName")
            .OrderBy(s => s.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
            .ThenBy(s => s.Metadata.Namespace, StringComparer.Ordinal)
            .ThenBy(s => s.Metadata.Name, StringComparer.Ordinal);
        foreach (var service in ordered)
        {
            var spec = service.Spec!;
            var ns = service.Metadata.Namespace ?? "";
            var name = service.Metadata.Name ?? "";
            var clusterIp = ParseIpv4(spec.ClusterIP);
            if (clusterIp is not null && !context.ServiceCidr.Contains(clusterIp))
            {
                conflicts.Add($"{ns}/{name}: cluster IP {clusterIp} is outside the service CIDR {context.ServiceCidr}");
                clusterIp = null;
            }
            var exposesNodePorts = spec.Type is "NodePort" or "LoadBalancer";
            var ingressIps = spec.Type == "LoadBalancer"
                ? (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => ParseIpv4(i.Ip)).OfType<IPAddress>().Where(context.IsLocalAddress).Distinct().ToList()
                : [];

            foreach (var port in spec.Ports ?? [])
            {
                if (TransportOf(port.Protocol) is not { } transport)
                {
                    continue;
                }
                var portName = new ServicePortName(ns, name, port.Name ?? "");
                routes[portName] = new ServiceRoute(portName, Endpoints(slicesByService[(ns, name)], port.Name ?? "", port.Protocol ?? "TCP"), context.NodeName,
                    internalLocal: spec.InternalTrafficPolicy == "Local", externalLocal: spec.ExternalTrafficPolicy == "Local",
                    replayUnanswered: ReplayUnansweredAnnotation.IsEnabled(service.Metadata.Annotations),
                    affinityTimeout: AffinityTimeout(spec));

                if (clusterIp is not null && Claim(new Frontend(clusterIp, port.Port, transport), new FrontendTarget(portName, FrontendKind.ClusterIP)))
                {
                    clusterIps.Add(clusterIp);
                }
                if (exposesNodePorts && port.NodePort is > 0 and var nodePort)
                {
                    foreach (var address in context.NodePortAddresses)
                    {
                        Claim(new Frontend(address, nodePort, transport), new FrontendTarget(portName, FrontendKind.NodePort));
                    }
                }
                foreach (var ip in ingressIps)
                {
                    Claim(new Frontend(ip, port.Port, transport), new FrontendTarget(portName, FrontendKind.LoadBalancer));
                }
            }
        }
        // The node's pods' hostPorts (after Services: a node port already taken keeps its Service).
        foreach (var (frontend, route) in HostPortRoutes.For(nodePods ?? [], context))
        {
            if (Claim(frontend, new FrontendTarget(route.Name, FrontendKind.NodePort)))
            {
                routes[route.Name] = route;
            }
        }
        return new RoutingSnapshot(routes, frontends, clusterIps, conflicts) { NodeAddresses = [.. context.NodePortAddresses] };

        bool Claim(Frontend frontend, FrontendTarget target)
        {
            if (frontends.TryGetValue(frontend, out var holder))
            {
                if (holder.Service != target.Service)
                {
                    conflicts.Add($"{target.Service} wants {frontend} ({target.Kind}), which {holder.Service} already serves");
                }
                return false;
            }
            frontends[frontend] = target;
            return true;
        }
    }

    private static Transport? TransportOf(string? protocol) => (protocol ?? "TCP") switch
    {
        "TCP" => Transport.Tcp,
        "UDP" => Transport.Udp,
        _ => null,
    };

    /// <summary>ClientIP affinity's timeout (the defaulting fills it in; 10800 s for an object stored without one).</summary>
    private static TimeSpan? AffinityTimeout(ServiceSpec spec) => spec.SessionAffinity == "ClientIP"
        ? TimeSpan.FromSeconds(spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds is > 0 and var seconds ? seconds : Api.Defaulting.ServiceDefaults.DefaultClientIPServiceAffinitySeconds)
        : null;

    private static List<RouteEndpoint> Endpoints(IEnumerable<EndpointSlice> slices, string portName, string protocol)
    {
        var byEndPoint = new Dictionary<IPEndPoint, RouteEndpoint>();
        foreach (var slice in slices)
        {
            var port = slice.Ports?.FirstOrDefault(p => (p.Name ?? "") == portName && (p.Protocol ?? "TCP") == protocol);
            if (port?.Port is not { } number || number is <= 0 or > 65535)
            {
                continue;
            }
            foreach (var endpoint in slice.Endpoints)
            {
                if (ParseIpv4(endpoint.Addresses.FirstOrDefault()) is not { } ip)
                {
                    continue;
                }
                var ready = endpoint.Conditions?.Ready ?? true;
                var candidate = new RouteEndpoint(new IPEndPoint(ip, number), ready,
                    Serving: endpoint.Conditions?.Serving ?? ready,
                    Terminating: endpoint.Conditions?.Terminating ?? false,
                    endpoint.NodeName,
                    endpoint.TargetRef?.Kind == "Pod" ? endpoint.TargetRef.Name : null);
                if (!byEndPoint.TryGetValue(candidate.EndPoint, out var existing) || (!existing.Ready && candidate.Ready))
                {
                    byEndPoint[candidate.EndPoint] = candidate;
                }
            }
        }
        return [.. byEndPoint.Values.OrderBy(e => Ipv4Cidr.ToUInt(e.EndPoint.Address)).ThenBy(e => e.EndPoint.Port)];
    }

    /// <summary>
    /// An endpoint's IPv4 address; null for anything else, and for the loopback and link-local ranges that
    /// validation refuses (an object stored before that check must not lead a Service to the node itself).
    /// </summary>
    private static IPAddress? ParseIpv4(string? text) =>
        text is not null && Api.Validation.NetRules.Parse(text) is { AddressFamily: AddressFamily.InterNetwork } ip &&
        Api.Validation.NetRules.SpecialRange(ip) is null ? ip : null;
}
