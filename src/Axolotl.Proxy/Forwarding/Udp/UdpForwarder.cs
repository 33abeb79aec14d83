using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Diagnostics;
using Axolotl.Proxy.Network;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Forwarding.Udp;

/// <summary>
/// Relays the datagrams a UDP frontend receives. The first datagram of a client (address and port) on
/// a frontend opens a flow: an endpoint chosen by the <see cref="EndpointPicker"/> (ClientIP affinity
/// included) and a socket connected to it, whose replies go back to the client from the frontend's
/// socket, so they come from the Service's address and port. Later datagrams follow the flow until it
/// idles out or its endpoint goes. An endpoint that answers with ICMP port unreachable ends the flow
/// and is quarantined, so the client's next datagram goes elsewhere. An endpoint NetworkPolicy keeps
/// from the client (<see cref="Admit"/>) is passed over, as the TCP relay passes it over. With no
/// Service, no usable or allowed endpoint or a full table, the datagram is dropped, as UDP allows.
/// </summary>
internal sealed class UdpForwarder(Func<RoutingSnapshot> snapshot, EndpointPicker picker, UdpFlowTable flows, TimeProvider time, ILogger logger)
{
    /// <summary>The largest UDP payload over IPv4.</summary>
    public const int MaxDatagram = 65507;

    private long _lastLimitLog = long.MinValue;
    private int _markRefused;

    public UdpFlowTable Flows => flows;

    /// <summary>
    /// NetworkPolicy for a new flow (<see cref="ServiceProxyOptions.AdmitConnection"/>): the flow's socket comes from
    /// the node, which the kernel's policy rules never judge, so the client pod's egress and the endpoint's ingress are
    /// asked here. Null: every flow allowed.
    /// </summary>
    public Func<IPAddress, IPEndPoint, ProtocolType, bool>? Admit { get; init; }

    /// <summary>
    /// The mark for a new flow's socket (<see cref="ServiceProxyOptions.BackendMark"/>): the node's policy table gives a
    /// marked flow the client pod's address, so a pod on another node judges it as the client, as for TCP. Null: none.
    /// </summary>
    public Func<IPAddress, IPEndPoint, int?>? Mark { get; init; }

    /// <summary>Endpoints a new flow may pass over (denied by policy) before its datagram is dropped.</summary>
    public int MaxAttempts { get; init; } = 4;

    public async Task HandleAsync(Socket frontendSocket, Frontend frontend, ReadOnlyMemory<byte> datagram, IPEndPoint client, CancellationToken ct)
    {
        var flow = flows.Find(frontend, client, out var expired);
        if (expired is not null)
        {
            Close(expired);
        }
        flow ??= Open(frontendSocket, frontend, client, ct);
        if (flow is null)
        {
            return;
        }
        flows.SawRequest(flow);
        try
        {
            await flow.Backend!.SendAsync(datagram, SocketFlags.None, ct);
        }
        catch (SocketException e)
        {
            // A port unreachable from an earlier datagram surfaces on this send.
            EndpointFailed(flow, e.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            // The flow was closed meanwhile (endpoint removed); the datagram is lost, as it would be in flight.
        }
    }

    /// <summary>Closes the flows the table let go of.</summary>
    public void Close(IEnumerable<UdpFlow> removed)
    {
        foreach (var flow in removed)
        {
            Close(flow);
        }
    }

    /// <summary>Sweeps idle flows; returns how many closed.</summary>
    public int Expire()
    {
        var expired = flows.Expire();
        Close(expired);
        return expired.Count;
    }

    private UdpFlow? Open(Socket frontendSocket, Frontend frontend, IPEndPoint client, CancellationToken ct)
    {
        if (!snapshot().TryResolve(frontend, out var target, out var route))
        {
            ProxyLog.NoService(logger, frontend);
            return null;
        }
        var endpoint = PickAllowed(frontend, route, route.For(target), client.Address, target.Service);
        if (endpoint is null)
        {
            return null;
        }
        Socket? backend = null;
        try
        {
            backend = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            if (Mark?.Invoke(client.Address, endpoint.EndPoint) is { } mark)
            {
                SocketMark.TrySet(backend, mark, ref _markRefused, logger);
            }
            backend.Connect(endpoint.EndPoint);
        }
        catch (SocketException e)
        {
            backend?.Dispose();
            picker.Failed(endpoint.EndPoint);
            var (name, reason) = (endpoint.ToString(), e.SocketErrorCode.ToString());
            ProxyLog.ConnectFailed(logger, target.Service, name, reason);
            return null;
        }
        var flow = new UdpFlow(frontend, client, target.Service, endpoint, backend, time.GetTimestamp());
        var added = flows.TryAdd(flow, out var evicted);
        Close(evicted);
        if (!added)
        {
            backend.Dispose();
            LimitReached(frontend);
            return null;
        }
        picker.Opened(endpoint.EndPoint);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var text = flow.ToString();
            ProxyLog.UdpFlowOpened(logger, text);
        }
        _ = RelayRepliesAsync(frontendSocket, flow, ct);
        return flow;
    }

    /// <summary>The picker's endpoint for the client, passing over those policy keeps from it; null when none is left.</summary>
    private RouteEndpoint? PickAllowed(Frontend frontend, ServiceRoute route, IReadOnlyList<RouteEndpoint> candidates, IPAddress client, ServicePortName service)
    {
        HashSet<IPEndPoint>? denied = null;
        while ((denied?.Count ?? 0) < MaxAttempts)
        {
            var endpoint = picker.PickFor(route, candidates, client, denied);
            if (endpoint is null)
            {
                if (denied is null)
                {
                    ProxyLog.NoEndpoints(logger, service, frontend);
                }
                return null;
            }
            if (Admit is not { } admit || admit(client, endpoint.EndPoint, ProtocolType.Udp))
            {
                return endpoint;
            }
            (denied ??= []).Add(endpoint.EndPoint);
            var (name, from) = (endpoint.ToString(), client.ToString());
            ProxyLog.PolicyDenied(logger, service, name, from);
        }
        return null;
    }

    /// <summary>The endpoint's datagrams back to the client, until the flow is closed.</summary>
    private async Task RelayRepliesAsync(Socket frontendSocket, UdpFlow flow, CancellationToken ct)
    {
        var backend = flow.Backend!;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Wait without a buffer, so an idle flow holds none (as ConnectionPump does for TCP).
                await backend.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct);
                var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
                try
                {
                    var read = await backend.ReceiveAsync(buffer.AsMemory(0, MaxDatagram), SocketFlags.None, ct);
                    flows.SawReply(flow);
                    await frontendSocket.SendToAsync(buffer.AsMemory(0, read), SocketFlags.None, flow.Client, ct);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (SocketException e) when (!flow.Closed)
        {
            EndpointFailed(flow, e.SocketErrorCode);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closed: the flow left the table, or the frontend or proxy stopped.
        }
    }

    private void EndpointFailed(UdpFlow flow, SocketError error)
    {
        if (flows.Remove(flow))
        {
            if (error == SocketError.ConnectionRefused)
            {
                picker.Failed(flow.Endpoint.EndPoint);
            }
            var (name, reason) = (flow.Endpoint.ToString(), error.ToString());
            ProxyLog.UdpFlowFailed(logger, flow.Service, name, reason);
            Close(flow);
        }
    }

    private void Close(UdpFlow flow)
    {
        lock (flow)
        {
            if (flow.Closed)
            {
                return;
            }
            flow.Closed = true;
        }
        flow.Backend?.Dispose();
        picker.Closed(flow.Endpoint.EndPoint);
    }

    private void LimitReached(Frontend frontend)
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastLimitLog);
        if (last == long.MinValue || time.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(10))
        {
            Interlocked.Exchange(ref _lastLimitLog, now);
            ProxyLog.UdpFlowLimit(logger, frontend, flows.Options.MaxFlows);
        }
    }
}
