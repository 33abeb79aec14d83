using System.Net.WebSockets;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.PortForward.Spdy;
using Axolotl.ApiServer.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.PortForward;

/// <summary>
/// pods/portforward. kubectl 1.32 speaks SPDY/3.1 either inside a WebSocket (subprotocol
/// SPDY/3.1+portforward.k8s.io) or, when that upgrade fails, over a raw HTTP/1.1 upgrade
/// (Upgrade: SPDY/3.1). Both end in one <see cref="SpdySession"/> here; each forwarded connection
/// then goes to the agent of the pod's node over its own WebSocket, like exec. The API server
/// terminates SPDY (rather than relaying it to the agent as upstream's apiserver does) so that
/// every new connection can pick its pod: the original while it exists, a ready replacement
/// from the same owner once it is gone.
/// </summary>
public sealed partial class PortForwardProxy(RestServices services, NodeProxy.KubeletTls tls)
{
    private readonly ILogger _log = services.Logging.CreateLogger<PortForwardProxy>();

    public const string WebSocketProtocol = "SPDY/3.1+portforward.k8s.io";
    public const string StreamProtocol = "portforward.k8s.io";
    private const string SpdyUpgrade = "SPDY/3.1";

    /// <summary>The agent's per-connection protocol (Axolotl.Agent's PortForwardProtocol; the projects do not reference each other).</summary>
    public const string AgentProtocol = "v1.portforward.axolotl.dev";

    public async Task HandleAsync(RequestScope scope)
    {
        var ctx = scope.Http;
        var pod = await PortForwardTarget.LoadPodAsync(services.Objects, scope.Namespace!, scope.RequiredName, scope.Aborted);
        if (pod["status"]?["phase"]?.GetValue<string>() is var phase && phase != "Running")
        {
            throw ApiErrors.BadRequest($"unable to forward port because pod is not running. Current status={phase}");
        }
        // Fail before upgrading, so kubectl shows the reason (no node, no address) instead of a broken stream.
        await PortForwardTarget.FromPodAsync(services.Objects, pod, scope.Aborted);
        var targets = new PortForwardTargets(services.Objects, pod);

        Stream transport;
        if (ctx.WebSockets.IsWebSocketRequest)
        {
            var requested = ctx.WebSockets.WebSocketRequestedProtocols;
            if (!requested.Contains(WebSocketProtocol))
            {
                await HandleChannelsAsync(scope, targets, requested);
                return;
            }
            // ASP.NET Core refuses '/' in a subprotocol (not an RFC 7230 token), so the header is set by hand.
            ctx.Response.Headers.SecWebSocketProtocol = WebSocketProtocol;
            var socket = await ctx.WebSockets.AcceptWebSocketAsync();
            transport = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
        }
        else if (IsSpdyUpgrade(ctx) && ctx.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            if (!ctx.Request.Headers["X-Stream-Protocol-Version"].SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim()).Contains(StreamProtocol))
            {
                throw ApiErrors.Make(403, "Forbidden", $"unable to upgrade: unable to negotiate protocol: client supports {ctx.Request.Headers["X-Stream-Protocol-Version"]}, server supports [{StreamProtocol}]");
            }
            ctx.Response.Headers.Connection = "Upgrade";
            ctx.Response.Headers.Upgrade = SpdyUpgrade;
            ctx.Response.Headers["X-Stream-Protocol-Version"] = StreamProtocol;
            transport = await upgrade.UpgradeAsync();
        }
        else
        {
            throw ApiErrors.BadRequest("Upgrade request required");
        }

        await using (transport)
        {
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, services.Stopping);
            await using var spdy = new SpdySession(transport, isClient: false);
            var session = new PortForwardSession(spdy, targets.ResolveAsync, ConnectAgentAsync);
            await spdy.RunAsync(session.OnStreamAsync, stopping.Token);
            if (spdy.Failure is { } failure)
            {
                LogProtocolError(_log, failure, scope.Namespace!, scope.RequiredName);
            }
        }
    }

    /// <summary>
    /// The client libraries' protocols: v4.channel.k8s.io, v4.base64.channel.k8s.io, or a WebSocket
    /// without a subprotocol (binary framing), with the ports in the query (the kubelet's WebSocket port-forward).
    /// </summary>
    private async Task HandleChannelsAsync(RequestScope scope, PortForwardTargets targets, IList<string> requested)
    {
        var ctx = scope.Http;
        string? protocol = null;
        if (requested.Count > 0)
        {
            protocol = requested.FirstOrDefault(p => p is ChannelFrames.BinaryProtocol or ChannelFrames.Base64Protocol)
                ?? throw ApiErrors.BadRequest($"unable to upgrade: requested protocol(s) are not supported: [{string.Join(' ', requested)}]; " +
                    $"supports [{ChannelFrames.BinaryProtocol} {ChannelFrames.Base64Protocol} {WebSocketProtocol}]");
        }
        var ports = PortForwardPorts.Parse([.. ctx.Request.Query[PortForwardPorts.QueryKey]]);
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, services.Stopping);
        var session = new ChannelPortForwardSession(socket, protocol == ChannelFrames.Base64Protocol, ports, targets.ResolveAsync, ConnectAgentAsync, services.Clock);
        await session.RunAsync(stopping.Token);
    }

    private static bool IsSpdyUpgrade(HttpContext ctx) =>
        ctx.Request.Headers.Upgrade.Any(v => string.Equals(v?.Trim(), SpdyUpgrade, StringComparison.OrdinalIgnoreCase));

    private async Task<WebSocket> ConnectAgentAsync(PortForwardTarget target, Uri url, CancellationToken ct)
    {
        var agent = new ClientWebSocket();
        agent.Options.RemoteCertificateValidationCallback = tls.ForNode(target.NodeName);
        agent.Options.ClientCertificates = [tls.ClientCertificate];
        agent.Options.AddSubProtocol(AgentProtocol);
        agent.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        try
        {
            await agent.ConnectAsync(url, ct);
            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "port-forward to {Namespace}/{Pod}: SPDY protocol error")]
    private static partial void LogProtocolError(ILogger logger, Exception e, string @namespace, string pod);
}
