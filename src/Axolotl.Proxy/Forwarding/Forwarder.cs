using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Forwarding;

/// <summary>
/// Handles one accepted connection: resolves its frontend in the current snapshot, connects to an
/// endpoint chosen by the <see cref="EndpointPicker"/> (a refused, unreachable or slow connect moves
/// on to another usable endpoint, reading the snapshot afresh each time), then pumps bytes until both
/// sides are done. With no usable endpoint, or too many open connections, the client is reset at once.
/// </summary>
internal sealed class Forwarder(
    Func<RoutingSnapshot> snapshot,
    EndpointPicker picker,
    ConnectionRegistry connections,
    ForwarderOptions options,
    TimeProvider time,
    ILogger logger)
{
    public async Task HandleAsync(Socket client, Frontend frontend, CancellationToken ct)
    {
        if (!connections.TryReserve(options.MaxConnections))
        {
            ProxyLog.ConnectionLimit(logger, frontend, options.MaxConnections);
            ConnectionPump.Abort(client);
            return;
        }
        Socket? backend = null;
        RouteEndpoint? endpoint = null;
        ServicePortName? service = null;
        long id = 0;
        try
        {
            client.NoDelay = true;
            (backend, endpoint, service) = await ConnectAsync(frontend, ct);
            if (backend is null)
            {
                ConnectionPump.Abort(client);
                return;
            }
            picker.Opened(endpoint!.EndPoint);
            id = connections.Add(service!.Value, client, backend);
            if (!snapshot().Routes.ContainsKey(service.Value))
            {
                // The Service went away while we connected; the sweep may have run before we registered.
                ConnectionPump.Abort(client);
                ConnectionPump.Abort(backend);
                return;
            }
            await ConnectionPump.RunAsync(client, backend, options.BufferSize);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            ConnectionPump.Abort(client);
        }
        finally
        {
            if (endpoint is not null && backend is not null)
            {
                picker.Closed(endpoint.EndPoint);
            }
            if (service is { } s && id != 0)
            {
                connections.Remove(s, id);
            }
            backend?.Dispose();
            client.Dispose();
            connections.Release();
        }
    }

    private async Task<(Socket? Backend, RouteEndpoint? Endpoint, ServicePortName? Service)> ConnectAsync(Frontend frontend, CancellationToken ct)
    {
        var tried = new HashSet<IPEndPoint>();
        for (var attempt = 0; attempt < options.MaxConnectAttempts; attempt++)
        {
            if (!snapshot().TryResolve(frontend, out var target, out var route))
            {
                ProxyLog.NoService(logger, frontend);
                return (null, null, null);
            }
            var endpoint = picker.Pick(target.Service, route.For(target), tried);
            if (endpoint is null)
            {
                if (tried.Count == 0)
                {
                    ProxyLog.NoEndpoints(logger, target.Service, frontend);
                }
                return (null, null, target.Service);
            }
            tried.Add(endpoint.EndPoint);
            var backend = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var deadline = new CancellationTokenSource(options.ConnectTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            try
            {
                await backend.ConnectAsync(endpoint.EndPoint, linked.Token);
                return (backend, endpoint, target.Service);
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                backend.Dispose();
                picker.Failed(endpoint.EndPoint);
                var reason = e is SocketException se ? se.SocketErrorCode.ToString() : "TimedOut";
                var name = endpoint.ToString();
                ProxyLog.ConnectFailed(logger, target.Service, name, reason);
            }
        }
        return (null, null, null);
    }
}

/// <summary>The forwarding limits, taken from <see cref="ServiceProxyOptions"/>.</summary>
internal sealed record ForwarderOptions(int MaxConnections, int MaxConnectAttempts, TimeSpan ConnectTimeout, int BufferSize);
