using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.NodeProxy;
using Axolotl.ApiServer.Rest;
using Axolotl.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Axolotl.ApiServer.Proxy;

/// <summary>
/// pods/NAME/proxy/… and services/NAME/proxy/… (NAME also "name:port" or "https:name:port"): the
/// request goes to the pod (or a ready endpoint of the Service) as kube-apiserver sends it: every
/// method, the query as given, the path after proxy/, and the answer streamed back, with redirects
/// and HTML links rewritten to stay under the proxy prefix. WebSocket upgrades are carried too.
/// The API server never forwards its caller's credentials (Authorization, impersonation headers),
/// dials only the pod address it resolved itself (never loopback or link-local), does not follow
/// redirects, and bounds the request body and the wait for an answer.
/// </summary>
public sealed partial class ResourceProxy : IDisposable
{
    /// <summary>Largest request body passed on to a pod.</summary>
    public const long MaxRequestBody = 16 * 1024 * 1024;

    /// <summary>Largest HTML page rewritten; a bigger one passes through unchanged.</summary>
    public const int MaxRewrittenBody = 8 * 1024 * 1024;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(60);

    private static readonly HashSet<string> Methods = new(StringComparer.OrdinalIgnoreCase) { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };

    /// <summary>Never passed on: hop-by-hop headers, and the caller's credentials for the API server.</summary>
    private static readonly HashSet<string> DroppedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Expect",
        "Authorization", "Proxy-Authorization", "Content-Length",
        "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Sec-WebSocket-Accept",
    };

    private static readonly HashSet<string> DroppedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private readonly RestServices _services;
    private readonly ProxyLocations _locations;
    private readonly ILogger _log;
    private readonly HttpClient _client;

    public ResourceProxy(RestServices services)
    {
        _services = services;
        _locations = new ProxyLocations(services.Objects);
        _log = services.Logging.CreateLogger<ResourceProxy>();
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            // Like upstream's proxy transport: a pod's serving certificate is not verified (pods have no
            // names the API server could check), and no client certificate is presented.
#pragma warning disable CA5359 // See AcceptPodCertificate.
            SslOptions = { RemoteCertificateValidationCallback = AcceptPodCertificate },
#pragma warning restore CA5359
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task HandleAsync(RequestScope scope)
    {
        var ctx = scope.Http;
        if (!Methods.Contains(ctx.Request.Method))
        {
            throw ApiErrors.MethodNotAllowed();
        }
        var path = RequestPath.Proxy(ctx) ?? throw ApiErrors.NoSuchPath();
        var id = scope.RequiredName;
        var address = scope.Type == KnownResources.Pods
            ? await _locations.PodAsync(scope.Namespace!, id, scope.Aborted)
            : scope.Type == KnownResources.Services
                ? await _locations.ServiceAsync(scope.Namespace!, id, scope.Aborted)
                : throw ApiErrors.NoSuchPath();
        var url = new Uri($"{address.Scheme}://{address.HostPort}{(path.Tail.Length == 0 ? "/" : path.Tail)}{ctx.Request.QueryString.Value}");

        if (ctx.WebSockets.IsWebSocketRequest)
        {
            await WebSocketAsync(scope, address, url);
            return;
        }
        if (ctx.Request.ContentLength > MaxRequestBody)
        {
            throw ApiErrors.TooLarge(MaxRequestBody);
        }

        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), url);
        var hasBody = ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0;
        var body = hasBody ? new BoundedStream(ctx.Request.Body, MaxRequestBody) : null;
        if (body is not null)
        {
            // A known length is passed on (else the body would go chunked, which not every server reads).
            request.Content = new StreamContent(body);
            request.Content.Headers.ContentLength = ctx.Request.ContentLength;
        }
        CopyRequestHeaders(ctx, request, path);

        HttpResponseMessage response;
        using (var waiting = Deadline.After(ResponseTimeout, _services.Clock, ctx.RequestAborted, _services.Stopping))
        {
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, waiting.Token);
            }
            catch (Exception) when (body?.Exceeded == true)
            {
                throw ApiErrors.TooLarge(MaxRequestBody);
            }
            catch (HttpRequestException e)
            {
                throw Unreachable(address, e);
            }
            catch (OperationCanceledException) when (!ctx.RequestAborted.IsCancellationRequested)
            {
                throw ApiErrors.Make(504, "Timeout", $"error trying to reach service: {address.HostPort} did not answer within {ResponseTimeout.TotalSeconds:0}s");
            }
        }
        using (response)
        {
            await CopyResponseAsync(ctx, response, path, address);
        }
    }

    private static void CopyRequestHeaders(HttpContext ctx, HttpRequestMessage request, ProxyPath path)
    {
        foreach (var (name, values) in ctx.Request.Headers)
        {
            if (DroppedRequestHeaders.Contains(name) || name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        var forwardedFor = ctx.Request.Headers["X-Forwarded-For"].ToString();
        var client = ctx.Connection.RemoteIpAddress?.ToString();
        if (client is not null)
        {
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.Length > 0 ? $"{forwardedFor}, {client}" : client);
        }
        request.Headers.Remove("X-Forwarded-Uri");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Uri", path.Prefix + (path.Tail.Length == 0 ? "/" : path.Tail));
    }

    private async Task CopyResponseAsync(HttpContext ctx, HttpResponseMessage response, ProxyPath path, ProxyAddress address)
    {
        ctx.Response.StatusCode = (int)response.StatusCode;
        var requestHost = ctx.Request.Host.Value ?? "";
        var html = IsHtml(response);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            // CORS headers would let the pod grant other origins access to the API server's origin (upstream drops them too).
            if (DroppedResponseHeaders.Contains(name) || name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase) ||
                (html && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var copied = values.ToArray();
            if (name.Equals("Location", StringComparison.OrdinalIgnoreCase))
            {
                copied = [.. copied.Select(v => ProxyRewriter.RewriteUrl(v, path.Prefix, address.HostPort, requestHost))];
            }
            ctx.Response.Headers[name] = new StringValues(copied);
        }
        if (HttpMethods.IsHead(ctx.Request.Method))
        {
            return;
        }
        await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted);
        if (!html)
        {
            // Streamed as it arrives: long polls, server-sent events and big downloads pass unbuffered.
            await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
            return;
        }
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while (buffer.Length <= MaxRewrittenBody && (read = await body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length > MaxRewrittenBody)
        {
            LogNotRewritten(_log, MaxRewrittenBody, path.Prefix);
            buffer.Position = 0;
            await buffer.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
            await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
            return;
        }
        var charset = response.Content.Headers.ContentType?.CharSet;
        var encoding = charset is null ? Encoding.UTF8 : GetEncoding(charset);
        var rewritten = encoding.GetBytes(ProxyRewriter.RewriteHtml(encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), path.Prefix, address.HostPort, requestHost));
        ctx.Response.ContentLength = rewritten.Length;
        await ctx.Response.Body.WriteAsync(rewritten, ctx.RequestAborted);
    }

    /// <summary>HTML that can be rewritten: not compressed (a compressed page passes through as it is).</summary>
    private static bool IsHtml(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/html", StringComparison.OrdinalIgnoreCase) &&
        response.Content.Headers.ContentEncoding.All(e => e.Equals("identity", StringComparison.OrdinalIgnoreCase));

    private static Encoding GetEncoding(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset.Trim('"'));
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    /// <summary>A WebSocket to the pod first; the client's upgrade is accepted only once the pod accepted, so a refusal is still an HTTP answer.</summary>
    private async Task WebSocketAsync(RequestScope scope, ProxyAddress address, Uri url)
    {
        var ctx = scope.Http;
        using var backend = new ClientWebSocket();
        backend.Options.CollectHttpResponseDetails = true;
#pragma warning disable CA5359 // See AcceptPodCertificate.
        backend.Options.RemoteCertificateValidationCallback = AcceptPodCertificate;
#pragma warning restore CA5359
        backend.Options.Proxy = null;
        foreach (var protocol in ctx.WebSockets.WebSocketRequestedProtocols)
        {
            backend.Options.AddSubProtocol(protocol);
        }
        foreach (var (name, values) in ctx.Request.Headers)
        {
            if (!DroppedRequestHeaders.Contains(name) && !name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase) &&
                !name.StartsWith("Sec-WebSocket-", StringComparison.OrdinalIgnoreCase))
            {
                backend.Options.SetRequestHeader(name, values.ToString());
            }
        }
        var wsUrl = new UriBuilder(url) { Scheme = address.Scheme == "https" ? "wss" : "ws" }.Uri;
        using (var connecting = Deadline.After(ResponseTimeout, _services.Clock, ctx.RequestAborted, _services.Stopping))
        {
            try
            {
                await backend.ConnectAsync(wsUrl, connecting.Token);
            }
            catch (WebSocketException) when (backend.HttpStatusCode != 0)
            {
                throw ApiErrors.Make((int)backend.HttpStatusCode, "BadRequest", $"the pod at {address.HostPort} refused the upgrade: {(int)backend.HttpStatusCode} {backend.HttpStatusCode}");
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException && !ctx.RequestAborted.IsCancellationRequested)
            {
                throw Unreachable(address, e);
            }
        }
        WebSocket client;
        if (backend.SubProtocol is { } chosen && chosen.Contains('/', StringComparison.Ordinal))
        {
            // ASP.NET Core refuses '/' in a subprotocol (not an RFC 7230 token): set the header by hand.
            ctx.Response.Headers.SecWebSocketProtocol = chosen;
            client = await ctx.WebSockets.AcceptWebSocketAsync();
        }
        else
        {
            client = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = backend.SubProtocol });
        }
        using (client)
        {
            using var session = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _services.Stopping);
            await WebSocketPump.RunAsync(client, backend, _services.Clock, session.Token);
        }
    }

    /// <summary>Upstream's answer when the pod cannot be reached, with Go's wording of the dial error.</summary>
    internal static ApiException Unreachable(ProxyAddress address, Exception e)
    {
        var socket = e as SocketException ?? e.InnerException as SocketException ?? e.InnerException?.InnerException as SocketException;
        var detail = socket?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connect: connection refused",
            SocketError.HostUnreachable => "connect: no route to host",
            SocketError.NetworkUnreachable => "connect: network is unreachable",
            SocketError.TimedOut => "i/o timeout",
            null when e is TaskCanceledException or OperationCanceledException || e.InnerException is TimeoutException => "i/o timeout",
            _ => (e.InnerException ?? e).Message,
        };
        return ApiErrors.Unavailable($"error trying to reach service: dial tcp {address.HostPort}: {detail}");
    }

    public void Dispose() => _client.Dispose();

    // Upstream's proxy transport does not verify pod certificates either (InsecureSkipVerify): a pod
    // address has no name a certificate could be checked against. Nothing secret is sent (no caller
    // credentials, no client certificate), and the address itself was resolved by the API server.
    private static bool AcceptPodCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, System.Net.Security.SslPolicyErrors errors) => true;

    [LoggerMessage(Level = LogLevel.Information, Message = "proxy {Prefix}: HTML page larger than {Limit} bytes passed through without link rewriting")]
    private static partial void LogNotRewritten(ILogger logger, int limit, string prefix);
}
