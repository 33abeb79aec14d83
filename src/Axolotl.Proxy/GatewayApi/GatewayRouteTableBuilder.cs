using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Validation;
using Axolotl.Proxy.GatewayApi.Model;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Builds the node's <see cref="GatewayBuild"/> from the Gateway API objects, in this order:
/// 1. GatewayClasses naming this controller are accepted (parametersRef and CRDs of another major version refused).
/// 2. Gateways of accepted classes, oldest first (creationTimestamp, then namespace/name): each listener is checked
///    (<see cref="GatewayListenerCheck"/>); a listener whose port an older one holds with the other protocol is
///    Conflicted (ProtocolConflict), one whose port and hostname an older one holds too (HostnameConflict).
/// 3. HTTPRoutes, oldest first (<see cref="HTTPRouteCompiler"/>), attach to the listeners their parentRefs name
///    (sectionName, port) that allow them (kind, namespaces Same/All/Selector) and share a hostname with them.
/// 4. Each listener's entries are ordered by the Gateway API's precedence: Exact path, then the longest prefix, then a
///    method, then the most header matches, then the most query matches; ties go to the oldest route, then
///    namespace/name, then rule and match order. Pure.
/// </summary>
public static class GatewayRouteTableBuilder
{
    public static GatewayBuild Build(GatewayInputs inputs, X509Certificate2 fallback)
    {
        var grants = new GrantedReferences(inputs.Grants);
        var classes = new List<GatewayClassFacts>();
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gatewayClass in inputs.Classes.Where(c => c.Spec?.ControllerName == inputs.ControllerName))
        {
            var conditions = ClassConditions(gatewayClass, inputs.BundleVersion);
            classes.Add(new GatewayClassFacts(gatewayClass, conditions));
            if (conditions.All(c => c.Status))
            {
                accepted.Add(gatewayClass.Metadata.Name ?? "");
            }
        }
        var gateways = Oldest(inputs.Gateways.Where(g => accepted.Contains(g.Spec?.GatewayClassName ?? "")))
            .Select(g => CheckGateway(g, grants, inputs.TlsSecrets)).ToList();
        Conflicts(gateways);
        foreach (var gateway in gateways)
        {
            gateway.Accepted = GatewayAccepted(gateway);
        }
        var listeners = gateways.Where(g => g.Accepted.Status).SelectMany(g => g.Listeners.Where(l => l.Facts.Valid)).ToList();
        var routes = new List<RouteFacts>();
        var sequence = 0;
        foreach (var route in Oldest(inputs.Routes))
        {
            var compiled = HTTPRouteCompiler.Compile(route, grants, inputs.Services);
            var parents = new List<RouteParentFacts>();
            foreach (var parent in route.Spec?.ParentRefs ?? [])
            {
                if ((parent.Group ?? GatewayResources.Group) != GatewayResources.Group || (parent.Kind ?? "Gateway") != "Gateway")
                {
                    continue;
                }
                var gatewayNs = parent.Namespace ?? route.Metadata.Namespace ?? "default";
                if (gateways.FirstOrDefault(g => g.Gateway.Metadata.Namespace == gatewayNs && g.Gateway.Metadata.Name == parent.Name) is not { } gateway)
                {
                    // Not a Gateway of this controller's classes: another controller (or none) answers for it.
                    continue;
                }
                var verdict = compiled.Refused ?? Attach(compiled, parent, gateway, inputs.NamespaceLabels, ref sequence);
                parents.Add(new RouteParentFacts(parent, [verdict, compiled.ResolvedRefs]));
            }
            if (parents.Count > 0)
            {
                routes.Add(new RouteFacts(route, parents));
            }
        }
        var (table, certificates) = Table(listeners, fallback);
        return new GatewayBuild(table, certificates, classes,
            [.. gateways.Select(g => new GatewayFacts(g.Gateway, g.Accepted, [.. g.Listeners.Select(l => l.Facts)]))], routes);
    }

    /// <summary>Oldest first; the same instant is broken by namespace, then name.</summary>
    public static IEnumerable<T> Oldest<T>(IEnumerable<T> objects)
        where T : Api.Meta.KubeObject => objects
        .OrderBy(o => o.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
        .ThenBy(o => o.Metadata.Namespace, StringComparer.Ordinal)
        .ThenBy(o => o.Metadata.Name, StringComparer.Ordinal);

    private static List<GatewayCondition> ClassConditions(GatewayClass gatewayClass, string? bundleVersion)
    {
        var supported = bundleVersion is null || bundleVersion.StartsWith("v1.", StringComparison.Ordinal);
        var version = supported
            ? new GatewayCondition("SupportedVersion", true, "SupportedVersion",
                bundleVersion is null ? "Gateway API CRDs without a bundle-version annotation, read as v1" : $"Gateway API CRDs {bundleVersion} are supported")
            : new GatewayCondition("SupportedVersion", false, "UnsupportedVersion", $"Gateway API CRDs {bundleVersion} are not supported: v1.x are");
        var acceptedCondition = !supported
            ? new GatewayCondition("Accepted", false, "UnsupportedVersion", version.Message)
            : gatewayClass.Spec?.ParametersRef is not null
                ? new GatewayCondition("Accepted", false, "InvalidParameters", "parametersRef is not supported by this controller")
                : gatewayClass.Spec?.ExtensionData is { Count: > 0 } extra
                    ? new GatewayCondition("Accepted", false, "Unsupported", $"spec field {string.Join(", ", extra.Keys)} is not supported")
                    : new GatewayCondition("Accepted", true, "Accepted", "GatewayClass is accepted");
        return [acceptedCondition, version];
    }

    private static GatewayWork CheckGateway(Gateway gateway, GrantedReferences grants, Func<string, string, TlsSecretResult> tls)
    {
        var key = $"{gateway.Metadata.Namespace}/{gateway.Metadata.Name}";
        var listeners = (gateway.Spec?.Listeners ?? []).Select(l => new ListenerWork(key, GatewayListenerCheck.Check(gateway, l, grants, tls))).ToList();
        return new GatewayWork(gateway, listeners);
    }

    private static void Conflicts(List<GatewayWork> gateways)
    {
        var protocols = new Dictionary<int, (bool Tls, string Owner)>();
        var hostnames = new Dictionary<(int, string), string>();
        foreach (var gateway in gateways)
        {
            if (Refusal(gateway.Gateway) is not null)
            {
                continue;
            }
            foreach (var listener in gateway.Listeners.Where(l => l.Facts.Accepted.Status))
            {
                var facts = listener.Facts;
                var owner = $"{listener.Gateway} listener {facts.Name}";
                if (protocols.TryGetValue(facts.Port, out var held) && held.Tls != facts.Tls)
                {
                    facts.Conflicted = new GatewayCondition("Conflicted", true, "ProtocolConflict", $"port {facts.Port} is served with another protocol by {held.Owner}");
                    continue;
                }
                var hostKey = (facts.Port, (facts.Listener.Hostname ?? "").ToLowerInvariant());
                if (hostnames.TryGetValue(hostKey, out var holder))
                {
                    facts.Conflicted = new GatewayCondition("Conflicted", true, "HostnameConflict",
                        $"port {facts.Port} hostname \"{hostKey.Item2}\" is already served by {holder}");
                    continue;
                }
                protocols.TryAdd(facts.Port, (facts.Tls, owner));
                hostnames[hostKey] = owner;
            }
        }
    }

    /// <summary>Why the whole Gateway is refused, or null.</summary>
    private static GatewayCondition? Refusal(Gateway gateway)
    {
        if (gateway.Spec?.Addresses is { Count: > 0 })
        {
            return new GatewayCondition("Accepted", false, "UnsupportedAddress", "spec.addresses is not supported: the Gateway takes the addresses of the nodes that serve it");
        }
        return gateway.Spec?.ExtensionData is { Count: > 0 } extra
            ? new GatewayCondition("Accepted", false, "Invalid", $"spec field {string.Join(", ", extra.Keys)} is not supported by {GatewayOptions.DefaultControllerName}")
            : null;
    }

    private static GatewayCondition GatewayAccepted(GatewayWork gateway)
    {
        if (Refusal(gateway.Gateway) is { } refused)
        {
            return refused;
        }
        var valid = gateway.Listeners.Count(l => l.Facts.Valid);
        return valid == gateway.Listeners.Count
            ? new GatewayCondition("Accepted", true, "Accepted", "Gateway is accepted")
            : new GatewayCondition("Accepted", valid > 0, "ListenersNotValid", $"{gateway.Listeners.Count - valid} of {gateway.Listeners.Count} listeners are not valid");
    }

    private static GatewayCondition Attach(CompiledRoute route, ParentReference parent, GatewayWork gateway,
        Func<string, IReadOnlyDictionary<string, string>?> namespaceLabels, ref int sequence)
    {
        if (!gateway.Accepted.Status)
        {
            return new GatewayCondition("Accepted", false, "NotAllowedByListeners", $"Gateway {gateway.Key} is not accepted: {gateway.Accepted.Message}");
        }
        var candidates = gateway.Listeners
            .Where(l => (parent.SectionName is null || l.Facts.Name == parent.SectionName) && (parent.Port is null || l.Facts.Port == parent.Port))
            .ToList();
        if (candidates.Count == 0)
        {
            return new GatewayCondition("Accepted", false, "NoMatchingParent", $"Gateway {gateway.Key} has no listener{Section(parent)}");
        }
        var ns = route.Route.Metadata.Namespace ?? "default";
        var allowed = candidates.Where(l => l.Facts.Valid && AllowsNamespace(l.Facts.Listener, gateway.Gateway.Metadata.Namespace ?? "default", ns, namespaceLabels)).ToList();
        if (allowed.Count == 0)
        {
            return new GatewayCondition("Accepted", false, "NotAllowedByListeners", $"no listener of Gateway {gateway.Key}{Section(parent)} allows HTTPRoutes from namespace {ns}");
        }
        var attached = 0;
        foreach (var listener in allowed)
        {
            if (GatewayHostnames.Intersect(listener.Facts.Listener.Hostname, route.Route.Spec?.Hostnames) is not { } hosts)
            {
                continue;
            }
            attached++;
            if (!listener.Attached.Add(route.Key))
            {
                continue;
            }
            listener.Facts.AttachedRoutes++;
            foreach (var host in hosts.Count == 0 ? [""] : hosts)
            {
                if (!listener.Hosts.TryGetValue(host, out var entries))
                {
                    listener.Hosts[host] = entries = [];
                }
                foreach (var match in route.Matches)
                {
                    entries.Add((sequence++, new GatewayRouteEntry(match.Match, match.Filters, match.Backends, route.Key)));
                }
            }
        }
        return attached > 0
            ? new GatewayCondition("Accepted", true, "Accepted", "Route is accepted")
            : new GatewayCondition("Accepted", false, "NoMatchingListenerHostname", $"no hostname of the route matches a listener of Gateway {gateway.Key}{Section(parent)}");
    }

    private static string Section(ParentReference parent) =>
        (parent.SectionName is null ? "" : $" named {parent.SectionName}") + (parent.Port is null ? "" : $" on port {parent.Port}");

    private static bool AllowsNamespace(Listener listener, string gatewayNs, string routeNs, Func<string, IReadOnlyDictionary<string, string>?> namespaceLabels) =>
        (listener.AllowedRoutes?.Namespaces?.From ?? "Same") switch
        {
            "All" => true,
            "Same" => gatewayNs == routeNs,
            "Selector" => SelectorMatch.ToPredicate(listener.AllowedRoutes!.Namespaces!.Selector) is { } selects
                && namespaceLabels(routeNs) is { } labels && selects(labels),
            _ => false,
        };

    private static (GatewayRouteTable, IReadOnlyDictionary<int, IngressCertificates>) Table(List<ListenerWork> listeners, X509Certificate2 fallback)
    {
        var ports = new Dictionary<int, GatewayPortRoutes>();
        var certificates = new Dictionary<int, IngressCertificates>();
        foreach (var port in listeners.GroupBy(l => l.Facts.Port))
        {
            var routes = port.Select(l => new GatewayListenerRoutes(l.Gateway, l.Facts.Name, l.Facts.Listener.Hostname?.ToLowerInvariant(),
                l.Hosts.ToDictionary(h => h.Key, h => (IReadOnlyList<GatewayRouteEntry>)[.. Ordered(h.Value)], StringComparer.Ordinal))).ToList();
            var tls = port.First().Facts.Tls;
            ports[port.Key] = new GatewayPortRoutes(port.Key, tls, routes);
            if (tls)
            {
                var hosts = port.Where(l => l.Facts.Listener.Hostname is { Length: > 0 } && l.Facts.Certificate is not null)
                    .ToDictionary(l => l.Facts.Listener.Hostname!.ToLowerInvariant(), l => l.Facts.Certificate!, StringComparer.Ordinal);
                var portDefault = port.FirstOrDefault(l => string.IsNullOrEmpty(l.Facts.Listener.Hostname))?.Facts.Certificate;
                certificates[port.Key] = new IngressCertificates(hosts, portDefault ?? fallback);
            }
        }
        return (new GatewayRouteTable(ports), certificates);
    }

    /// <summary>The Gateway API's precedence; the sequence (route age, then rule and match order) breaks ties.</summary>
    private static IEnumerable<GatewayRouteEntry> Ordered(List<(int Sequence, GatewayRouteEntry Entry)> entries) => entries
        .OrderBy(e => e.Entry.Match.Kind == GatewayPathKind.Exact ? 0 : 1)
        .ThenByDescending(e => e.Entry.Match.Kind == GatewayPathKind.Exact ? 0 : e.Entry.Match.PrefixLength)
        .ThenBy(e => e.Entry.Match.Method is null ? 1 : 0)
        .ThenByDescending(e => e.Entry.Match.Headers.Count)
        .ThenByDescending(e => e.Entry.Match.QueryParams.Count)
        .ThenBy(e => e.Sequence)
        .Select(e => e.Entry);

    private sealed class GatewayWork(Gateway gateway, List<ListenerWork> listeners)
    {
        public Gateway Gateway { get; } = gateway;

        public string Key => $"{Gateway.Metadata.Namespace}/{Gateway.Metadata.Name}";

        public List<ListenerWork> Listeners { get; } = listeners;

        public GatewayCondition Accepted { get; set; } = new("Accepted", false, "Pending", "");
    }

    private sealed class ListenerWork(string gateway, GatewayListenerFacts facts)
    {
        public string Gateway { get; } = gateway;

        public GatewayListenerFacts Facts { get; } = facts;

        public HashSet<string> Attached { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<(int, GatewayRouteEntry)>> Hosts { get; } = new(StringComparer.Ordinal);
    }
}
