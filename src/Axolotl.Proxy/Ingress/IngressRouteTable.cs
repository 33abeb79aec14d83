namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Every route of the Ingresses this controller serves, built in one go and swapped atomically; the
/// request path reads it without locks. A request's host picks one group (exact host, else the wildcard
/// "*.rest" for its first label, else the rules without a host), as ingress-nginx picks one server block:
/// a host with rules never falls through to another host's paths.
/// </summary>
public sealed class IngressRouteTable(
    IReadOnlyDictionary<string, IngressHostRoutes> exactHosts,
    IReadOnlyDictionary<string, IngressHostRoutes> wildcardHosts,
    IngressHostRoutes? anyHost,
    IngressRouteBackend? defaultBackend,
    IReadOnlyList<IngressProblem> conflicts)
{
    public static IngressRouteTable Empty { get; } = new(new Dictionary<string, IngressHostRoutes>(), new Dictionary<string, IngressHostRoutes>(), null, null, []);

    /// <summary>Exact host names, lower case.</summary>
    public IReadOnlyDictionary<string, IngressHostRoutes> ExactHosts { get; } = exactHosts;

    /// <summary>Wildcard hosts by what follows the "*": ".example.com".</summary>
    public IReadOnlyDictionary<string, IngressHostRoutes> WildcardHosts { get; } = wildcardHosts;

    public IngressHostRoutes? AnyHost { get; } = anyHost;

    /// <summary>The oldest Ingress's spec.defaultBackend: requests no rule matches.</summary>
    public IngressRouteBackend? DefaultBackend { get; } = defaultBackend;

    /// <summary>Host and path pairs (or default backends) two Ingresses wanted: the older one keeps it, the newer is told.</summary>
    public IReadOnlyList<IngressProblem> Conflicts { get; } = conflicts;

    /// <summary>The backend for a request, or null for 404. <paramref name="host"/> is the Host header without its port.</summary>
    public IngressRouteBackend? Match(string host, string path)
    {
        var group = HostGroup(host.ToLowerInvariant());
        if (group is null)
        {
            return DefaultBackend;
        }
        return group.Match(path)?.Backend ?? group.Fallback ?? DefaultBackend;
    }

    private IngressHostRoutes? HostGroup(string host)
    {
        if (ExactHosts.TryGetValue(host, out var exact))
        {
            return exact;
        }
        // A wildcard covers exactly one label: "*.example.com" takes "a.example.com", not "example.com" or "a.b.example.com".
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && WildcardHosts.TryGetValue(host[dot..], out var wildcard))
        {
            return wildcard;
        }
        return AnyHost;
    }
}
