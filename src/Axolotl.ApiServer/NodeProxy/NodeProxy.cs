using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.WebSockets;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Rest;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.NodeProxy;

/// <summary>
/// pods/log and pods/exec: finds the pod's node and forwards to that node's agent (the kubelet
/// server API), as upstream's apiserver does. Logs stream through; exec connects a WebSocket to the
/// agent first and then accepts kubectl's upgrade with the subprotocol the agent chose, so a
/// failure is still an HTTP answer. Agents serve self-signed certificates, which are not verified
/// (upstream's default without --kubelet-certificate-authority); requests carry the given token.
/// </summary>
public sealed class NodeProxy : IDisposable
{
    private readonly RestServices _services;
    private readonly string _token;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _http;
    private readonly PortForward.PortForwardProxy _portForward;

    public NodeProxy(RestServices services, string token)
    {
        _services = services;
        _token = token;
        _handler = new SocketsHttpHandler
        {
#pragma warning disable CA5359 // See AcceptAnyCertificate.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = AcceptAnyCertificate },
#pragma warning restore CA5359
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        _http = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning disable CA5359 // See AcceptAnyCertificate.
        _portForward = new PortForward.PortForwardProxy(services, token, AcceptAnyCertificate);
#pragma warning restore CA5359
    }

    /// <summary>pods/portforward: SPDY from kubectl, one agent WebSocket per forwarded connection.</summary>
    public Task PortForwardAsync(RequestScope scope) => _portForward.HandleAsync(scope);

    public async Task LogsAsync(RequestScope scope)
    {
        if (!HttpMethods.IsGet(scope.Http.Request.Method))
        {
            throw ApiErrors.MethodNotAllowed();
        }
        var target = await KubeletTarget.ResolveAsync(_services.Objects, scope.Namespace!, scope.RequiredName, scope.Query("container"), scope.Aborted);
        await ForwardAsync(scope.Http, HttpMethod.Get, target.Url("https", "containerLogs", scope.Http.Request.QueryString.Value ?? ""));
    }

    public async Task ExecAsync(RequestScope scope)
    {
        var ctx = scope.Http;
        var target = await KubeletTarget.ResolveAsync(_services.Objects, scope.Namespace!, scope.RequiredName, scope.Query("container"), scope.Aborted);
        var query = ctx.Request.QueryString.Value ?? "";
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            // kubectl's SPDY fallback: the agent answers it with a Status that says what is wrong.
            await ForwardAsync(ctx, new HttpMethod(ctx.Request.Method), target.Url("https", "exec", query));
            return;
        }

        using var agent = new ClientWebSocket();
#pragma warning disable CA5359 // See AcceptAnyCertificate.
        agent.Options.RemoteCertificateValidationCallback = AcceptAnyCertificate;
#pragma warning restore CA5359
        agent.Options.SetRequestHeader("Authorization", "Bearer " + _token);
        agent.Options.CollectHttpResponseDetails = true;
        foreach (var protocol in ctx.WebSockets.WebSocketRequestedProtocols)
        {
            agent.Options.AddSubProtocol(protocol);
        }
        var url = target.Url("wss", "exec", query);
        try
        {
            await agent.ConnectAsync(url, scope.Aborted);
        }
        catch (WebSocketException) when (agent.HttpStatusCode != 0)
        {
            // The agent refused the upgrade; ask again without it to get its Status for kubectl.
            await ForwardAsync(ctx, HttpMethod.Get, target.Url("https", "exec", query));
            return;
        }
        catch (WebSocketException e)
        {
            throw DialError(e);
        }

        using var client = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = agent.SubProtocol });
        using var session = CancellationTokenSource.CreateLinkedTokenSource(scope.Aborted, _services.Stopping);
        await WebSocketPump.RunAsync(client, agent, _services.Clock, session.Token);
    }

    /// <summary>Sends the request to the agent and copies its answer (status, content type, body) back as it arrives.</summary>
    private async Task ForwardAsync(HttpContext ctx, HttpMethod method, Uri url)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            throw DialError(e);
        }
        using (response)
        {
            ctx.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } type)
            {
                ctx.Response.ContentType = type.ToString();
            }
            await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted);
            // Each chunk is written (and so flushed) as soon as it arrives: logs -f stays live.
            await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
        }
    }

    private static ApiException DialError(Exception e) =>
        ApiErrors.Make((int)HttpStatusCode.InternalServerError, "InternalError", $"error dialing backend: {(e.InnerException ?? e).Message}");

    // Agents serve self-signed certificates; upstream does not verify kubelets without a CA either.
    private static bool AcceptAnyCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors) => true;

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }
}
