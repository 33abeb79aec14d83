using System.Diagnostics;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Security;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// The labels upstream's metrics filter gives a request: verb as it reports it (LIST for a collection
/// GET, WATCH, APPLY for a server-side apply, CONNECT for exec/attach/proxy/portforward), the
/// resource's group, version, resource and subresource when it is one the server serves, and scope
/// (resource, namespace or cluster). Anything else is a non-resource request with empty resource labels.
/// </summary>
internal sealed record RequestLabels(string Verb, string DryRun, string Group, string Version, string Resource, string Subresource, string Scope)
{
    private static readonly HashSet<string> ConnectSubresources = new(StringComparer.Ordinal) { "exec", "attach", "portforward", "proxy" };

    public static RequestLabels Of(HttpContext ctx)
    {
        var dryRun = ctx.Request.Query.ContainsKey("dryRun") ? "All" : "";
        Security.Rbac.AuthorizationRequest request;
        try
        {
            request = Authentication.Attributes(ctx, Principal.Anonymous);
        }
        catch (Errors.ApiException)
        {
            // A path the API cannot even parse (the dashboard's /ui/, a hostile one): the handler answers
            // it; the metrics count it as a non-resource request.
            return NonResource(ctx, dryRun);
        }
        if (!request.IsResourceRequest)
        {
            return NonResource(ctx, dryRun);
        }
        var info = RequestInfo.Parse(request.Group, request.Version, Rest(ctx));
        var known = info?.ResolveType() is not null;
        var subresource = known ? request.Subresource ?? "" : "";
        var scope = request.Name is not null ? "resource" : request.Namespace is not null ? "namespace" : "cluster";
        var reported = request.Verb switch
        {
            _ when ConnectSubresources.Contains(subresource) => "CONNECT",
            "get" => "GET",
            "list" => "LIST",
            "watch" => "WATCH",
            "create" => "POST",
            "update" => "PUT",
            "patch" when ctx.Request.ContentType?.StartsWith("application/apply-patch", StringComparison.OrdinalIgnoreCase) == true => "APPLY",
            "patch" => "PATCH",
            "delete" => "DELETE",
            "deletecollection" => "DELETECOLLECTION",
            _ => "other",
        };
        return known
            ? new(reported, dryRun, request.Group, request.Version, request.Resource, subresource, scope)
            : new(reported, dryRun, "", "", "", "", "");
    }

    /// <summary>Upstream cleans unknown methods to "other"; non-resource paths carry no resource labels.</summary>
    private static RequestLabels NonResource(HttpContext ctx, string dryRun)
    {
        var method = ctx.Request.Method.ToUpperInvariant();
        var verb = method is "GET" or "HEAD" or "POST" or "PUT" or "PATCH" or "DELETE" or "OPTIONS" ? (method == "HEAD" ? "GET" : method) : "other";
        return new(verb, dryRun, "", "", "", "", "");
    }

    private static string[] Rest(HttpContext ctx) => RequestPath.Segments(ctx) switch
    {
        ["api", _, .. var rest] => rest,
        ["apis", _, _, .. var rest] => rest,
        _ => [],
    };

    public TagList Tags() => new()
    {
        { "verb", Verb },
        { "dry_run", DryRun },
        { "group", Group },
        { "version", Version },
        { "resource", Resource },
        { "subresource", Subresource },
        { "scope", Scope },
        { "component", "apiserver" },
    };
}
