using System.Net;
using System.Net.WebSockets;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Rest;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.NodeProxy;

/// <summary>
/// pods/log, pods/exec and pods/attach: finds the pod's node and forwards to that node's agent (the kubelet
/// server API), as upstream's apiserver does. Logs stream through; exec connects a WebSocket to the
/// agent first and then accepts kubectl's upgrade with the subprotocol the agent chose, so a
/// failure is still an HTTP answer. Both ends of the TLS connection are verified (<see cref="KubeletTls"/>):
/// the agent must hold its node's serving certificate, and the API server presents its client certificate.
/// </summary>
public sealed class NodeProxy : IDisposable
{
    private readonly RestServices _services;
    private readonly KubeletTls _tls;
    private readonly PortForward.PortForwardProxy _portForward;
    private readonly Proxy.ResourceProxy _resourceProxy;

    public NodeProxy(RestServices services, KubeletTls tls)
    {
        _services = services;
        _tls = tls;
        _portForward = new PortForward.PortForwardProxy(services, tls);
        _resourceProxy = new Proxy.ResourceProxy(services);
    }

    /// <summary>pods/proxy and services/proxy: straight to the pod's address, as kube-apiserver does.</summary>
    public Task ResourceProxyAsync(RequestScope scope) =>
        scope.Type == KnownResources.Nodes ? NodeAgentAsync(scope) : _resourceProxy.HandleAsync(scope);

    /// <summary>
    /// nodes/NAME/proxy/PATH: a GET forwarded to the node's agent with the API server's kubelet client
    /// certificate (how Prometheus reaches /metrics/cadvisor upstream). Only reads: the agent's streaming
    /// endpoints go through pods/exec, attach, log and portforward, which check the pod.
    /// </summary>
    private async Task NodeAgentAsync(RequestScope scope)
    {
        if (!HttpMethods.IsGet(scope.Http.Request.Method))
        {
            throw ApiErrors.MethodNotAllowed();
        }
        var path = Http.RequestPath.Proxy(scope.Http) ?? throw ApiErrors.NoSuchPath();
        var target = await KubeletTarget.ResolveNodeAsync(_services.Objects, scope.RequiredName, scope.Aborted);
        await ForwardAsync(scope.Http, target.NodeName, HttpMethod.Get, target.NodeUrl(path.Tail, scope.Http.Request.QueryString.Value ?? ""));
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
        await ForwardAsync(scope.Http, target.NodeName, HttpMethod.Get, target.Url("https", "containerLogs", scope.Http.Request.QueryString.Value ?? ""));
    }

    public Task ExecAsync(RequestScope scope) => StreamAsync(scope, "exec");

    /// <summary>pods/attach: the agent's /attach, exactly as exec (the same protocols and upgrade).</summary>
    public Task AttachAsync(RequestScope scope) => StreamAsync(scope, "attach");

    private async Task StreamAsync(RequestScope scope, string endpoint)
    {
        var ctx = scope.Http;
        var target = await KubeletTarget.ResolveAsync(_services.Objects, scope.Namespace!, scope.RequiredName, scope.Query("container"), scope.Aborted);
        var query = ctx.Request.QueryString.Value ?? "";
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            // kubectl's SPDY fallback: the agent answers it with a Status that says what is wrong.
            await ForwardAsync(ctx, target.NodeName, new HttpMethod(ctx.Request.Method), target.Url("https", endpoint, query));
            return;
        }

        using var agent = new ClientWebSocket();
        agent.Options.RemoteCertificateValidationCallback = _tls.ForNode(target.NodeName);
        agent.Options.ClientCertificates = [_tls.ClientCertificate];
        agent.Options.CollectHttpResponseDetails = true;
        foreach (var protocol in ctx.WebSockets.WebSocketRequestedProtocols)
        {
            agent.Options.AddSubProtocol(protocol);
        }
        var url = target.Url("wss", endpoint, query);
        try
        {
            await agent.ConnectAsync(url, scope.Aborted);
        }
        catch (WebSocketException) when (agent.HttpStatusCode != 0)
        {
            // The agent refused the upgrade; ask again without it to get its Status for kubectl.
            await ForwardAsync(ctx, target.NodeName, HttpMethod.Get, target.Url("https", endpoint, query));
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
    private async Task ForwardAsync(HttpContext ctx, string nodeName, HttpMethod method, Uri url)
    {
        using var request = new HttpRequestMessage(method, url);
        HttpResponseMessage response;
        try
        {
            response = await _tls.ClientFor(nodeName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
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

    internal static ApiException DialError(Exception e) =>
        ApiErrors.Make((int)HttpStatusCode.InternalServerError, "InternalError", $"error dialing backend: {(e.InnerException ?? e).Message}");

    public void Dispose()
    {
        _resourceProxy.Dispose();
        _tls.Dispose();
    }
}
