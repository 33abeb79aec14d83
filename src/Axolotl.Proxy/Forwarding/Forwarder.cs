using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Diagnostics;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Forwarding;

/// <summary>
/// Handles one accepted connection: resolves its frontend in the current snapshot, connects to an
/// endpoint chosen by the <see cref="EndpointPicker"/> (<see cref="EndpointConnector"/>: a refused
/// endpoint hands over to the next, a slow one races the next), then pumps bytes until both
/// sides are done. Until the endpoint answers, the client's bytes are kept, so that an endpoint that
/// closes or resets without answering is replaced by another one (<see cref="FirstAnswer"/>). With no
/// usable endpoint, or too many open connections, the client is reset at once. With sessionAffinity
/// ClientIP the client's address chooses the endpoint (<see cref="EndpointPicker.PickFor"/>); a sticky
/// endpoint that refuses is tried no more for this connection, and the next one is remembered instead.
/// </summary>
internal sealed class Forwarder(
    Func<RoutingSnapshot> snapshot,
    EndpointPicker picker,
    ConnectionRegistry connections,
    ForwarderOptions options,
    TimeProvider time,
    ILogger logger)
{
    private readonly EndpointConnector _connector = new(snapshot, picker, options, time, logger);

    public Task HandleAsync(Socket client, Frontend frontend, CancellationToken ct) => HandleAsync(client, frontend, null, null, ct);

    /// <summary>
    /// As <see cref="HandleAsync(Socket, Frontend, CancellationToken)"/>, for a connection drained from a dead pod's held
    /// listener (ADR 0030): <paramref name="drainedFrom"/> is the client the conntrack entry names (the socket's peer may be the
    /// node, masqueraded), which NetworkPolicy admission and affinity judge, and <paramref name="excluded"/> (the dead
    /// endpoint) is never tried.
    /// </summary>
    public async Task HandleAsync(Socket client, Frontend frontend, IPAddress? drainedFrom, IPEndPoint? excluded, CancellationToken ct)
    {
        if (!connections.TryReserve(options.MaxConnections))
        {
            ProxyLog.ConnectionLimit(logger, frontend, options.MaxConnections);
            ConnectionPump.Abort(client);
            return;
        }
        var tried = excluded is null ? new HashSet<IPEndPoint>() : new HashSet<IPEndPoint> { excluded };
        var clientAddress = drainedFrom ?? (client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.Any;
        using var reader = new ClientReader(client, options.BufferSize);
        var kept = new ReplayBuffer(options.ReplayLimit);
        try
        {
            client.NoDelay = true;
            while (true)
            {
                if (await _connector.ConnectAsync(frontend, clientAddress, tried, ct) is not { } connected)
                {
                    ConnectionPump.Abort(client);
                    return;
                }
                var (backend, endpoint, service, route) = connected;
                var outcome = await ServeAsync(client, backend, endpoint, service, route, reader, kept);
                if (outcome == FirstAnswerOutcome.Lost && logger.IsEnabled(LogLevel.Debug))
                {
                    var from = clientAddress.ToString();
                    var reason = $"{endpoint} reset before answering, with more of the client's bytes than are kept to replay";
                    ProxyLog.ConnectionAborted(logger, frontend, from, reason);
                }
                if (outcome != FirstAnswerOutcome.Unanswered)
                {
                    return;
                }
                var name = endpoint.ToString();
                ProxyLog.Replayed(logger, service, name, kept.Length);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var from = clientAddress.ToString();
                var reason = e.GetType().Name + ": " + e.Message;
                ProxyLog.ConnectionAborted(logger, frontend, from, reason);
            }
            ConnectionPump.Abort(client);
        }
        finally
        {
            client.Dispose();
            connections.Release();
        }
    }

    /// <summary>One endpoint's turn: its first answer (when replay is on), then the pump. Unanswered means: try another endpoint.</summary>
    private async Task<FirstAnswerOutcome> ServeAsync(Socket client, Socket backend, RouteEndpoint endpoint, ServicePortName service, ServiceRoute route,
        ClientReader reader, ReplayBuffer kept)
    {
        picker.Opened(endpoint.EndPoint);
        var connectedAt = time.GetTimestamp();
        var id = connections.Add(service, client, backend);
        try
        {
            if (!snapshot().Routes.ContainsKey(service))
            {
                // The Service went away while we connected; the sweep may have run before we registered.
                ConnectionPump.Abort(client);
                ConnectionPump.Abort(backend);
                return FirstAnswerOutcome.Lost;
            }
            if (route.ReplayUnanswered && kept.Complete)
            {
                var outcome = await FirstAnswer.AwaitAsync(client, backend, reader, kept, options.BufferSize, time, connectedAt);
                switch (outcome)
                {
                    case FirstAnswerOutcome.Unanswered:
                        picker.Failed(endpoint.EndPoint);
                        return outcome;
                    case FirstAnswerOutcome.Lost:
                    case FirstAnswerOutcome.ClientGone:
                        ConnectionPump.Abort(client);
                        ConnectionPump.Abort(backend);
                        return outcome;
                }
            }
            await ConnectionPump.RunAsync(client, backend, options.BufferSize, reader.Detach(), reader.Ended);
            return FirstAnswerOutcome.Answered;
        }
        finally
        {
            picker.Closed(endpoint.EndPoint);
            connections.Remove(service, id);
            backend.Dispose();
        }
    }
}

/// <summary>The forwarding limits, taken from <see cref="ServiceProxyOptions"/>.</summary>
internal sealed record ForwarderOptions(int MaxConnections, int MaxConnectAttempts, TimeSpan ConnectTimeout, int BufferSize, int ReplayLimit)
{
    /// <summary>How long one client connection may wait for any endpoint to connect before it is reset.</summary>
    public TimeSpan ConnectDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public Func<IPAddress, IPEndPoint, ProtocolType, bool>? AdmitConnection { get; init; }

    /// <summary>The socket mark of the connection to an endpoint for a client (<see cref="ServiceProxyOptions.BackendMark"/>).</summary>
    public Func<IPAddress, IPEndPoint, int?>? BackendMark { get; init; }
}
