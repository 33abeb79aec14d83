using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Axolotl.Agent.Server.PortForward;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Server;

/// <summary>
/// WebSocket /portForward/{ns}/{pod}?port=&amp;uid=&amp;podIP=: one forwarded connection to a pod this node
/// runs (see <see cref="PortForwardProtocol"/>). The API server terminates kubectl's SPDY and
/// resolves the pod's address; the agent checks the pod (by UID) is its own, dials localhost inside
/// the pod's network namespace (so a server bound to 127.0.0.1 in the pod is reached, as with the
/// kubelet; the pod's address for a host-network pod), waiting through container restarts, and
/// copies bytes both ways.
/// </summary>
internal sealed class PortForwardEndpoint(IKubeletBackend backend, PortForwardOptions options, TimeProvider time)
{
    private const int BufferSize = 32 * 1024;
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);
    private const int MaxServedPorts = 4096;
    private readonly PodPortDialer _dialer = new(options, time);

    /// <summary>Pod ports this agent has connected to: a later refusal there is a server coming back (a restart), worth waiting for.</summary>
    private readonly ConcurrentDictionary<(string Uid, int Port), bool> _served = new();

    public async Task HandleAsync(HttpContext ctx, string ns, string podName)
    {
        var query = ctx.Request.Query;
        if (!int.TryParse(query["port"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            await KubeletResponses.BadRequestAsync(ctx, $"invalid port \"{query["port"]}\"");
            return;
        }
        if (!IPAddress.TryParse(query["podIP"], out var address))
        {
            await KubeletResponses.BadRequestAsync(ctx, $"pod {podName} has no IP address to forward to");
            return;
        }
        var uid = query["uid"].ToString();
        var pod = await backend.FindPodAsync(ns, podName, ctx.RequestAborted);
        if (pod is null || (uid.Length > 0 && pod.Uid != uid))
        {
            await KubeletResponses.WriteAsync(ctx, 404, "NotFound", $"pod \"{ns}/{podName}\" not found");
            return;
        }
        if (!ctx.WebSockets.IsWebSocketRequest || !ctx.WebSockets.WebSocketRequestedProtocols.Contains(PortForwardProtocol.SubProtocol))
        {
            await KubeletResponses.BadRequestAsync(ctx, $"port-forward needs a WebSocket with subprotocol {PortForwardProtocol.SubProtocol}");
            return;
        }

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = PortForwardProtocol.SubProtocol });
        using var sender = new ChannelSender(socket);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        try
        {
            var dial = await _dialer.DialAsync(new DialTarget(address, pod.NetworkNamespace), port, c => ProbeAsync(ns, podName, pod.Uid, port, c), session.Token);
            if (dial.Socket is not { } connection)
            {
                var message = $"error forwarding port {port} to pod {podName}, uid {pod.Uid}: {dial.Error}";
                await sender.SendAsync(PortForwardProtocol.Error, Encoding.UTF8.GetBytes(message), session.Token);
                await CloseAsync(socket, session);
                return;
            }
            if (_served.Count >= MaxServedPorts)
            {
                _served.Clear();
            }
            _served[(pod.Uid, port)] = true;
            using (connection)
            {
                await PumpAsync(socket, sender, connection, session);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // kubectl or the API server went away.
        }
    }

    private async Task<PodPortDialer.PodState?> ProbeAsync(string ns, string podName, string uid, int port, CancellationToken ct)
    {
        var pod = await backend.FindPodAsync(ns, podName, ct);
        if (pod is null || pod.Uid != uid)
        {
            return null;
        }
        var now = time.GetUtcNow();
        // No restart in progress: the pod is not stopping, the port never answered this agent
        // before, and every container runs its first instance or has run long enough since its
        // restart that a refusal means nothing listens there.
        var containers = pod.AppContainers ?? pod.Containers;
        var settled = !pod.Terminating && !_served.ContainsKey((uid, port)) && containers.Count > 0 && containers.All(c =>
            pod.Running(c) is { } handle && (!pod.Restarted(c) || now - handle.StartedAt >= options.SettledAfter));
        return new PodPortDialer.PodState(settled);
    }

    /// <summary>Copies until the pod closes its side (then the WebSocket is closed) or the client goes away.</summary>
    private async Task PumpAsync(WebSocket socket, ChannelSender sender, Socket connection, CancellationTokenSource session)
    {
        await using var network = new NetworkStream(connection, ownsSocket: false);
        var upstream = CopyFromClientAsync(socket, connection, network, session);
        var buffer = new byte[BufferSize];
        try
        {
            int read;
            while ((read = await network.ReadAsync(buffer, session.Token)) > 0)
            {
                await sender.SendAsync(PortForwardProtocol.Data, buffer.AsMemory(0, read), session.Token);
            }
        }
        catch (IOException)
        {
            // The pod reset the connection: end the client's connection the same way as a close.
        }
        await CloseAsync(socket, session);
        // The API server answers the close; cancelling the receive instead would abort the WebSocket
        // and could drop the data just sent. A peer that never answers is cut off after a while.
        using var wait = new CancellationTokenSource(CloseWait, time);
        await using (wait.Token.Register(session.Cancel))
        {
            await upstream;
        }
    }

    private static async Task CopyFromClientAsync(WebSocket socket, Socket connection, NetworkStream network, CancellationTokenSource session)
    {
        var ct = session.Token;
        var buffer = new byte[BufferSize + 1];
        try
        {
            while (true)
            {
                var offset = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(offset), ct);
                    offset += result.Count;
                }
                while (!result.EndOfMessage && offset < buffer.Length);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // The client is gone: the pod sees the connection close.
                    connection.Shutdown(SocketShutdown.Both);
                    return;
                }
                if (offset == 0)
                {
                    continue;
                }
                switch (buffer[0])
                {
                    case PortForwardProtocol.Data:
                        await network.WriteAsync(buffer.AsMemory(1, offset - 1), ct);
                        break;
                    case PortForwardProtocol.EndOfInput:
                        connection.Shutdown(SocketShutdown.Send);
                        break;
                    default:
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or SocketException or ObjectDisposedException)
        {
            // The API server's side broke: stop reading the pod too.
            await session.CancelAsync();
        }
    }

    private async Task CloseAsync(WebSocket socket, CancellationTokenSource session)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }
        using var wait = new CancellationTokenSource(CloseWait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, session.Token);
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }
}
