using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.ApiServer.Backends;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// kube-aggregator's proxy handler: a request for a group/version whose APIService names a Service goes, already
/// authenticated and authorized here, to a ready endpoint of that Service over HTTPS (the certificate checked against
/// the caBundle with the name SERVICE.NAMESPACE.svc, or not at all with insecureSkipTLSVerify), carrying the user as
/// X-Remote-* headers over a connection that presents the front-proxy client certificate. Method, path, query and body
/// pass as sent; the answer is streamed back as it arrives (watches, logs), an upgrade the backend accepts becomes a
/// byte relay (<see cref="UpgradedStreams"/>), and a redirect is not followed but refused
/// (--aggregator-reject-forwarding-redirect). Failures are answered as upstream answers them: plain text, 503.
/// </summary>
public sealed partial class AggregatorProxy(ServiceEndpointResolver resolver, BackendTransport transport, X509Certificate2 proxyClientCertificate, ILogger<AggregatorProxy> logger)
{
    /// <summary>Upstream's words when the APIService is not Available or no endpoint can be picked.</summary>
    public const string ServiceUnavailable = "service unavailable";

    public const string RedirectRefused = "the backend attempted to redirect this request, which is not permitted";

    private static readonly HashSet<string> DroppedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Expect",
        "Authorization", "Proxy-Authorization", "Content-Length",
    };

    private static readonly HashSet<string> DroppedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    public async Task HandleAsync(HttpContext ctx, RemoteApiService target)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.Available)
        {
            await PlainAsync(ctx, 503, ServiceUnavailable);
            return;
        }
        if (target.CaBundleProblem is { } transportError)
        {
            // Upstream's transportBuildingError: the caBundle makes no TLS configuration, so nothing is dialled.
            await PlainAsync(ctx, 500, transportError);
            return;
        }
        // An HTTP/1.1 upgrade (WebSocket, SPDY: exec and port-forward of aggregated resources) is relayed as bytes once the
        // backend agreed to it. HTTP/2's extended CONNECT cannot be turned into a connection of its own here.
        var upgrade = ctx.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgradable ? upgradable : null;
        if (upgrade is null && ctx.WebSockets.IsWebSocketRequest)
        {
            throw ApiErrors.BadRequest($"Axolotl proxies upgrade requests to aggregated API servers over HTTP/1.1 only: {target.GroupVersion} is served by service/{target.ServiceName} in \"{target.ServiceNamespace}\"");
        }
        var principal = RequestPrincipal.Get(ctx);
        if (principal is null)
        {
            await PlainAsync(ctx, 500, "missing user");
            return;
        }
        var (endpoint, error) = await resolver.ResolveAsync(target.ServiceNamespace, target.ServiceName, target.Port, ctx.RequestAborted);
        if (endpoint is null)
        {
            LogUnresolved(logger, target.ServiceNamespace, target.ServiceName, error!);
            await PlainAsync(ctx, 503, ServiceUnavailable);
            return;
        }

        var url = new Uri($"https://{target.ServerName}:{endpoint.Port}{ctx.Request.Path.ToUriComponent()}{ctx.Request.QueryString.ToUriComponent()}");
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), url);
        request.Options.Set(BackendTransport.ConnectTo, endpoint);
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(ctx.Request.Body);
            request.Content.Headers.ContentLength = ctx.Request.ContentLength;
        }
        CopyRequestHeaders(ctx, request);
        if (upgrade is not null)
        {
            request.Headers.Connection.Add("Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", (IEnumerable<string?>)ctx.Request.Headers.Upgrade);
        }
        AuthProxyHeaders.Set(request, principal);

        var client = transport.For(target.CaBundle, target.InsecureSkipTlsVerify, proxyClientCertificate, out var lastTlsFailure);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            // Upstream's responder: the transport's error as it is, 503.
            await PlainAsync(ctx, 503, BackendErrors.Describe(e, endpoint.ToString(), lastTlsFailure()));
            return;
        }
        using (response)
        {
            var code = (int)response.StatusCode;
            if (upgrade is not null && response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                await RelayUpgradeAsync(ctx, upgrade, response, target);
                return;
            }
            if (code is >= 300 and <= 399 && response.Headers.Location is not null)
            {
                await PlainAsync(ctx, 502, RedirectRefused, newline: false);
                return;
            }
            ctx.Response.StatusCode = code;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!DroppedResponseHeaders.Contains(name))
                {
                    ctx.Response.Headers[name] = new StringValues([.. values]);
                }
            }
            if (HttpMethods.IsHead(ctx.Request.Method))
            {
                return;
            }
            await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted);
            try
            {
                // Each read is written and flushed as it comes: a watch's events reach the client one by one.
                await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !ctx.RequestAborted.IsCancellationRequested)
            {
                // The backend went away mid-answer: the client sees the stream end early, as with upstream's proxy.
                var reason = e.Message;
                LogCut(logger, target.GroupVersion, reason);
                ctx.Abort();
            }
        }
    }

    /// <summary>
    /// The backend switched protocols: the client gets its 101 with the backend's headers (Upgrade, Sec-WebSocket-Accept,
    /// the chosen subprotocol), then bytes flow both ways until either side closes, as upstream's UpgradeAwareHandler does.
    /// </summary>
    private async Task RelayUpgradeAsync(HttpContext ctx, IHttpUpgradeFeature upgrade, HttpResponseMessage response, RemoteApiService target)
    {
        foreach (var (name, values) in response.Headers)
        {
            if (!DroppedResponseHeaders.Contains(name) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                ctx.Response.Headers[name] = new StringValues([.. values]);
            }
        }
        await using var backend = await response.Content.ReadAsStreamAsync(ctx.RequestAborted);
        await using var client = await upgrade.UpgradeAsync();
        var reason = await UpgradedStreams.RelayAsync(client, backend, ctx.RequestAborted);
        if (reason is not null)
        {
            LogCut(logger, target.GroupVersion, reason);
        }
    }

    private static void CopyRequestHeaders(HttpContext ctx, HttpRequestMessage request)
    {
        foreach (var (name, values) in ctx.Request.Headers)
        {
            if (DroppedRequestHeaders.Contains(name) || name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase) || AuthProxyHeaders.IsIdentityHeader(name))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        var forwardedFor = ctx.Request.Headers["X-Forwarded-For"].ToString();
        if (ctx.Connection.RemoteIpAddress is { } client)
        {
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.Length > 0 ? $"{forwardedFor}, {client}" : client.ToString());
        }
    }

    /// <summary>Go's http.Error: text/plain, nosniff, the message and a newline (the redirect refusal has none).</summary>
    private static async Task PlainAsync(HttpContext ctx, int code, string message, bool newline = true)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }
        var body = Encoding.UTF8.GetBytes(newline ? message + "\n" : message);
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "error resolving {Namespace}/{Name}: {Error}")]
    private static partial void LogUnresolved(ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "proxy to {GroupVersion}: the backend's answer ended early: {Error}")]
    private static partial void LogCut(ILogger logger, string groupVersion, string error);
}
