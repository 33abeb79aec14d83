using Axolotl.Api.Networking;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Builds the <see cref="IngressRouteTable"/> from the Ingresses this controller serves. Ingresses are read
/// oldest first (creationTimestamp, then namespace/name), so where two want the same host, path and path
/// type, or both set a defaultBackend, the oldest wins, as upstream's conflict rule says. Pure.
/// </summary>
public static class IngressRouteTableBuilder
{
    public static IngressRouteTable Build(IEnumerable<Api.Networking.Ingress> ingresses)
    {
        var hosts = new Dictionary<string, HostBuilder>(StringComparer.Ordinal);
        var conflicts = new List<IngressProblem>();
        IngressRouteBackend? defaultBackend = null;
        foreach (var ingress in Oldest(ingresses))
        {
            var ns = ingress.Metadata.Namespace ?? "default";
            var key = $"{ns}/{ingress.Metadata.Name}";
            var ownDefault = Backend(ingress.Spec?.DefaultBackend, ns, key);
            if (ownDefault is not null)
            {
                if (defaultBackend is null)
                {
                    defaultBackend = ownDefault;
                }
                else
                {
                    conflicts.Add(new IngressProblem(ns, ingress.Metadata.Name ?? "", "DefaultBackendConflict", $"defaultBackend ignored: {defaultBackend.Ingress} is older and sets one"));
                }
            }
            foreach (var rule in ingress.Spec?.Rules ?? [])
            {
                var host = (rule.Host ?? "").ToLowerInvariant();
                if (!hosts.TryGetValue(host, out var builder))
                {
                    hosts[host] = builder = new HostBuilder();
                }
                builder.Fallback ??= ownDefault;
                foreach (var path in rule.Http?.Paths ?? [])
                {
                    var kind = IngressPathRule.KindOf(path.PathType);
                    var backend = Backend(path.Backend, ns, key);
                    if (kind is not { } k || backend is null)
                    {
                        continue;
                    }
                    var text = string.IsNullOrEmpty(path.Path) ? "/" : path.Path;
                    var route = new IngressPathRule(k, text, backend);
                    if (builder.Paths.FirstOrDefault(p => p.Kind == route.Kind && p.Path == route.Path) is { } older)
                    {
                        conflicts.Add(new IngressProblem(ns, ingress.Metadata.Name ?? "", "PathConflict", $"host \"{host}\" path {text} ({k}) ignored: {older.Backend.Ingress} is older and serves it"));
                        continue;
                    }
                    builder.Paths.Add(route);
                }
            }
        }
        IngressHostRoutes Routes(HostBuilder b) =>
            // Stable: at equal length and kind the older Ingress's path stays first.
            new([.. b.Paths.OrderByDescending(p => p.Length).ThenBy(p => p.Kind == IngressPathKind.Exact ? 0 : 1)], b.Fallback);
        var exact = hosts.Where(h => h.Key.Length > 0 && !h.Key.StartsWith("*.", StringComparison.Ordinal)).ToDictionary(h => h.Key, h => Routes(h.Value), StringComparer.Ordinal);
        var wildcard = hosts.Where(h => h.Key.StartsWith("*.", StringComparison.Ordinal)).ToDictionary(h => h.Key[1..], h => Routes(h.Value), StringComparer.Ordinal);
        var any = hosts.TryGetValue("", out var anyHost) ? Routes(anyHost) : null;
        return new IngressRouteTable(exact, wildcard, any, defaultBackend, conflicts);
    }

    /// <summary>Oldest first; the same instant is broken by namespace, then name.</summary>
    public static IEnumerable<Api.Networking.Ingress> Oldest(IEnumerable<Api.Networking.Ingress> ingresses) => ingresses
        .OrderBy(i => i.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
        .ThenBy(i => i.Metadata.Namespace, StringComparer.Ordinal)
        .ThenBy(i => i.Metadata.Name, StringComparer.Ordinal);

    /// <summary>A Service backend; resource backends are not served (ingress-nginx ignores them too).</summary>
    private static IngressRouteBackend? Backend(IngressBackend? backend, string ns, string ingress) =>
        backend?.Service is { Name.Length: > 0 } service && service.Port is { } port && (port.Number is not null || port.Name is { Length: > 0 })
            ? new IngressRouteBackend(ns, service.Name, port.Number, port.Name, ingress)
            : null;

    private sealed class HostBuilder
    {
        public List<IngressPathRule> Paths { get; } = [];

        public IngressRouteBackend? Fallback { get; set; }
    }
}
