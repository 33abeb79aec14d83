using System.Globalization;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// The request headers a backend sees, as ingress-nginx sets them by default (use-forwarded-headers off):
/// the client's own Host, and X-Forwarded-For/-Host/-Port/-Proto, X-Real-IP and X-Scheme describing this
/// hop only. What the client sent in those headers is replaced, never trusted.
/// </summary>
public sealed class ForwardedHeaders : HttpTransformer
{
    private static readonly string[] Replaced = ["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Forwarded-Scheme", "X-Real-IP", "X-Scheme", "Forwarded"];

    public static ForwardedHeaders Instance { get; } = new();

    /// <summary>The HttpContext item holding the Host a route rewrote (a Gateway API URLRewrite hostname); X-Forwarded-Host keeps the client's.</summary>
    public const string RewrittenHostItem = "axolotl.rewritten-host";

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var headers = proxyRequest.Headers;
        foreach (var name in Replaced)
        {
            headers.Remove(name);
        }
        var request = httpContext.Request;
        var remote = httpContext.Connection.RemoteIpAddress;
        var client = remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote;
        var port = httpContext.Connection.LocalPort.ToString(CultureInfo.InvariantCulture);
        if (client is not null)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
            headers.TryAddWithoutValidation("X-Real-IP", client.ToString());
        }
        headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Host);
        headers.TryAddWithoutValidation("X-Forwarded-Port", port);
        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Scheme", request.Scheme);
        headers.TryAddWithoutValidation("X-Scheme", request.Scheme);
        // The backend sees the host the client asked for (nginx's proxy_set_header Host $host), not the pod's address.
        headers.Host = httpContext.Items.TryGetValue(RewrittenHostItem, out var rewritten) && rewritten is string host ? host : request.Host.Value;
    }
}
