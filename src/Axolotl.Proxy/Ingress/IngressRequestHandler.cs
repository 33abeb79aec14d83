using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Serves one request: route by host and path (no route: 404), then forward to the backend Service port with
/// <see cref="BackendForwarder"/> (endpoints, 503s and replays of unanswered requests).
/// </summary>
public sealed class IngressRequestHandler(Func<IngressRouteTable> routes, BackendForwarder backends)
{
    public Task HandleAsync(HttpContext context, IHttpForwarder forwarder)
    {
        var backend = routes().Match(context.Request.Host.Host, context.Request.Path.Value ?? "/");
        return backend is null
            ? BackendForwarder.WriteAsync(context, StatusCodes.Status404NotFound, "404 page not found: no Ingress rule matches this host and path")
            : backends.ForwardAsync(context, forwarder, backend);
    }
}
