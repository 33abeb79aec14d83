using Axolotl.Api.Core;
using Axolotl.Proxy.GatewayApi.Model;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Reads an HTTPRoute into <see cref="CompiledRoute"/>. What this controller does not serve refuses the whole route
/// with Accepted=False, never a silently skipped part: RegularExpression matches and unknown filter types
/// (UnsupportedValue), a redirect beside a rewrite or beside backends (IncompatibleFilters), fields it does not know.
/// A backendRef that does not resolve keeps the route but sends its share of requests to a 500 and sets
/// ResolvedRefs=False: another kind than a core Service (InvalidKind), another namespace without a ReferenceGrant
/// (RefNotPermitted), no such Service (BackendNotFound). Pure.
/// </summary>
public static class HTTPRouteCompiler
{
    private static readonly HashSet<string> ServedFilters = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite"];

    public static CompiledRoute Compile(HTTPRoute route, GrantedReferences grants, Func<string, string, Service?> services)
    {
        var ns = route.Metadata.Namespace ?? "default";
        var key = $"{ns}/{route.Metadata.Name}";
        var resolved = new GatewayCondition("ResolvedRefs", true, "ResolvedRefs", "All references are resolved");
        var matches = new List<CompiledRouteMatch>();
        if (Unknown("spec", route.Spec?.ExtensionData) is { } specProblem)
        {
            return new CompiledRoute(route, Unsupported(specProblem), resolved, []);
        }
        var rules = route.Spec?.Rules ?? [];
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            if (RuleProblem(rule, r) is { } problem)
            {
                return new CompiledRoute(route, problem, resolved, []);
            }
            var backends = new List<GatewayBackend>();
            foreach (var reference in rule.BackendRefs ?? [])
            {
                var (backend, failure) = Backend(reference, ns, key, grants, services);
                backends.Add(backend);
                if (failure is not null && resolved.Status)
                {
                    resolved = failure;
                }
            }
            var ruleMatches = rule.Matches is { Count: > 0 } given ? given : [new HTTPRouteMatch()];
            for (var m = 0; m < ruleMatches.Count; m++)
            {
                matches.Add(new CompiledRouteMatch(r, m, Match(ruleMatches[m]), rule.Filters ?? [], backends));
            }
        }
        return new CompiledRoute(route, null, resolved, matches);
    }

    private static GatewayCondition? RuleProblem(HTTPRouteRule rule, int index)
    {
        var where = $"rules[{index}]";
        if (Unknown(where, rule.ExtensionData) is { } unknown)
        {
            return Unsupported(unknown);
        }
        foreach (var match in rule.Matches ?? [])
        {
            if ((Unknown($"{where}.matches", match.ExtensionData) ?? Unknown($"{where}.matches.path", match.Path?.ExtensionData)) is { } field)
            {
                return Unsupported(field);
            }
            if ((match.Path?.Type ?? "PathPrefix") is not ("PathPrefix" or "Exact") and var pathType)
            {
                return Unsupported($"{where}: path match type {pathType} is not supported: Exact and PathPrefix are");
            }
            if ((match.Headers ?? []).Concat(match.QueryParams ?? []).FirstOrDefault(h => (h.Type ?? "Exact") != "Exact") is { } regex)
            {
                return Unsupported($"{where}: {regex.Type} match on {regex.Name} is not supported: Exact is");
            }
        }
        var filters = rule.Filters ?? [];
        if (filters.FirstOrDefault(f => !ServedFilters.Contains(f.Type)) is { } other)
        {
            return Unsupported($"{where}: filter type {other.Type} is not supported: RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect and URLRewrite are");
        }
        if (filters.FirstOrDefault(f => f.ExtensionData is { Count: > 0 }) is { } extra)
        {
            return Unsupported($"{where}: filter field {string.Join(", ", extra.ExtensionData!.Keys)} is not supported");
        }
        if (filters.FirstOrDefault(f => Payload(f) is null) is { } empty)
        {
            return Unsupported($"{where}: filter {empty.Type} has no {empty.Type} settings");
        }
        var redirect = filters.FirstOrDefault(f => f.Type == "RequestRedirect")?.RequestRedirect;
        var rewrite = filters.FirstOrDefault(f => f.Type == "URLRewrite")?.UrlRewrite;
        if (redirect is not null && (rewrite is not null || rule.BackendRefs is { Count: > 0 }))
        {
            return new GatewayCondition("Accepted", false, "IncompatibleFilters", $"{where}: RequestRedirect cannot be combined with URLRewrite or backendRefs");
        }
        if (redirect is not null && RedirectProblem(redirect) is { } redirectProblem)
        {
            return Unsupported($"{where}: {redirectProblem}");
        }
        var modifier = redirect?.Path ?? rewrite?.Path;
        if (modifier is not null && PathModifierProblem(modifier, rule.Matches) is { } modifierProblem)
        {
            return Unsupported($"{where}: {modifierProblem}");
        }
        if ((rule.BackendRefs ?? []).FirstOrDefault(b => b.Filters is { Count: > 0 } || b.ExtensionData is { Count: > 0 }) is { } backendExtra)
        {
            return Unsupported($"{where}: backendRef {backendExtra.Name}: per-backend filters and fields other than group, kind, name, namespace, port and weight are not supported");
        }
        return null;
    }

    private static object? Payload(HTTPRouteFilter filter) => filter.Type switch
    {
        "RequestHeaderModifier" => filter.RequestHeaderModifier,
        "ResponseHeaderModifier" => filter.ResponseHeaderModifier,
        "RequestRedirect" => filter.RequestRedirect,
        "URLRewrite" => filter.UrlRewrite,
        _ => null,
    };

    private static string? RedirectProblem(HTTPRequestRedirectFilter redirect)
    {
        if (redirect.ExtensionData is { Count: > 0 } extra)
        {
            return $"requestRedirect field {string.Join(", ", extra.Keys)} is not supported";
        }
        if (redirect.Scheme is not (null or "http" or "https"))
        {
            return $"redirect scheme {redirect.Scheme} is not supported: http and https are";
        }
        return redirect.StatusCode is null or 301 or 302 or 303 or 307 or 308 ? null : $"redirect status code {redirect.StatusCode} is not supported";
    }

    private static string? PathModifierProblem(HTTPPathModifier modifier, List<HTTPRouteMatch>? matches) => modifier.Type switch
    {
        "ReplaceFullPath" when modifier.ReplaceFullPath is not null => null,
        "ReplacePrefixMatch" when modifier.ReplacePrefixMatch is not null =>
            (matches ?? []).All(m => (m.Path?.Type ?? "PathPrefix") == "PathPrefix") ? null : "ReplacePrefixMatch needs every match of the rule to be a PathPrefix",
        _ => $"path modifier {modifier.Type} without its value is not supported",
    };

    private static GatewayRouteMatch Match(HTTPRouteMatch match)
    {
        var kind = match.Path?.Type == "Exact" ? GatewayPathKind.Exact : GatewayPathKind.PathPrefix;
        var path = string.IsNullOrEmpty(match.Path?.Value) ? "/" : match.Path.Value;
        return new GatewayRouteMatch(kind, path, match.Method,
            [.. (match.Headers ?? []).Select(h => (h.Name, h.Value))],
            [.. (match.QueryParams ?? []).Select(q => (q.Name, q.Value))]);
    }

    private static (GatewayBackend Backend, GatewayCondition? Failure) Backend(HTTPBackendRef reference, string ns, string route, GrantedReferences grants,
        Func<string, string, Service?> services)
    {
        var weight = reference.Weight ?? 1;
        var targetNs = reference.Namespace ?? ns;
        if ((reference.Group ?? "") != "" || (reference.Kind ?? "Service") != "Service")
        {
            return Broken(weight, "InvalidKind", $"backendRef {reference.Group}/{reference.Kind} {reference.Name} is not a core Service");
        }
        if (!grants.Allows(GatewayResources.Group, "HTTPRoute", ns, "", "Service", targetNs, reference.Name))
        {
            return Broken(weight, "RefNotPermitted", $"backendRef Service {targetNs}/{reference.Name} is in another namespace and no ReferenceGrant there allows this HTTPRoute to use it");
        }
        if (reference.Port is not { } port)
        {
            return Broken(weight, "BackendNotFound", $"backendRef Service {targetNs}/{reference.Name} has no port");
        }
        if (services(targetNs, reference.Name) is null)
        {
            return Broken(weight, "BackendNotFound", $"Service {targetNs}/{reference.Name} not found");
        }
        return (new GatewayBackend(new IngressRouteBackend(targetNs, reference.Name, port, null, route), weight, null), null);
    }

    private static (GatewayBackend, GatewayCondition) Broken(int weight, string reason, string message) =>
        (new GatewayBackend(null, weight, message), new GatewayCondition("ResolvedRefs", false, reason, message));

    private static GatewayCondition Unsupported(string message) => new("Accepted", false, "UnsupportedValue", message);

    private static string? Unknown(string where, Dictionary<string, System.Text.Json.JsonElement>? fields) =>
        fields is { Count: > 0 } ? $"{where} field {string.Join(", ", fields.Keys)} is not supported by {GatewayOptions.DefaultControllerName}" : null;
}
