using Axolotl.Proxy.GatewayApi.Model;
using Axolotl.Proxy.Ingress;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Serves one request that arrived on a Gateway's port: the route table picks the listener and the entry (none:
/// 404), then the rule's filters apply in the Gateway API's order (request headers, then a redirect answered here,
/// or a URL rewrite), response headers are changed as the answer starts, and a backend is taken by weight: one
/// whose ref did not resolve, or a rule with no weight left, answers 500; the rest goes through the Ingress
/// controller's <see cref="BackendForwarder"/> (ready endpoints, 503s, replays of unanswered requests).
/// </summary>
public sealed class GatewayRequestHandler(Func<GatewayRouteTable> routes, BackendForwarder backends)
{
    public async Task HandleAsync(HttpContext context, IHttpForwarder forwarder)
    {
        var request = context.Request;
        var path = request.Path.Value is { Length: > 0 } p ? p : "/";
        var port = context.Connection.LocalPort;
        var entry = routes().Match(port, request.Host.Host, request.Method, path,
            name => request.Headers.TryGetValue(name, out var values) ? values.ToString() : null,
            name => request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null);
        if (entry is null)
        {
            await BackendForwarder.WriteAsync(context, StatusCodes.Status404NotFound, "404 page not found: no HTTPRoute matches this request");
            return;
        }
        Apply(entry.RequestHeaders, request.Headers);
        if (entry.Redirect is { } redirect)
        {
            context.Response.StatusCode = redirect.StatusCode ?? StatusCodes.Status302Found;
            context.Response.Headers.Location = GatewayPaths.Location(redirect, entry.Match, request.Scheme, request.Host.Host, port, path, request.QueryString.Value ?? "");
            return;
        }
        if (entry.Rewrite is { } rewrite)
        {
            request.Path = new PathString(GatewayPaths.Modify(rewrite.Path, entry.Match, path));
            if (rewrite.Hostname is { Length: > 0 } hostname)
            {
                context.Items[ForwardedHeaders.RewrittenHostItem] = hostname;
            }
        }
        if (entry.ResponseHeaders is { } responseHeaders)
        {
            context.Response.OnStarting(() =>
            {
                Apply(responseHeaders, context.Response.Headers);
                return Task.CompletedTask;
            });
        }
        var backend = entry.Pick();
        if (backend?.Target is not { } target)
        {
            await BackendForwarder.WriteAsync(context, StatusCodes.Status500InternalServerError,
                $"500 Internal Server Error: {backend?.Problem ?? $"HTTPRoute {entry.Route} has no backend for this rule"}");
            return;
        }
        await backends.ForwardAsync(context, forwarder, target);
    }

    /// <summary>Set replaces, add appends a value, remove drops; header names are case-insensitive.</summary>
    public static void Apply(HTTPHeaderFilter? filter, IHeaderDictionary headers)
    {
        if (filter is null)
        {
            return;
        }
        foreach (var header in filter.Set ?? [])
        {
            headers[header.Name] = header.Value;
        }
        foreach (var header in filter.Add ?? [])
        {
            headers.Append(header.Name, header.Value);
        }
        foreach (var name in filter.Remove ?? [])
        {
            headers.Remove(name);
        }
    }
}
