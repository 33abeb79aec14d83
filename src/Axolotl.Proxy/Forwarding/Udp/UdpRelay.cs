using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Diagnostics;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Forwarding.Udp;

/// <summary>
/// One UDP frontend: a socket bound to the Service's address and port (SO_REUSEPORT, as
/// <see cref="ProxyListener"/>, so several nodes' proxies on one host share it; the kernel keeps a client's datagrams on one socket) and a receive
/// loop that hands each datagram to the <see cref="UdpForwarder"/>. Replies are sent from this socket.
/// Closing it closes its flows.
/// </summary>
internal sealed class UdpRelay : IFrontendListener
{
    private readonly Socket _socket;
    private readonly UdpForwarder _forwarder;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private UdpRelay(Frontend frontend, Socket socket, UdpForwarder forwarder)
    {
        Frontend = frontend;
        _socket = socket;
        _forwarder = forwarder;
    }

    public Frontend Frontend { get; }

    /// <summary>Binds; throws <see cref="SocketException"/> when the address is taken or not local.</summary>
    public static UdpRelay Open(Frontend frontend, UdpForwarder forwarder)
    {
        var socket = new Socket(frontend.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // SO_REUSEPORT only: SO_REUSEADDR would let a UDP socket share a port with any other socket that
            // set it (the DNS server's), and the kernel would hand that socket's datagrams to us.
            Network.SocketReuse.Port(socket);
            socket.Bind(frontend.EndPoint);
            return new UdpRelay(frontend, socket, forwarder);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start(ILogger logger)
    {
        var ct = _stop.Token;
        _loop = Task.Run(async () =>
        {
            var buffer = new byte[UdpForwarder.MaxDatagram];
            EndPoint any = new IPEndPoint(IPAddress.Any, 0);
            while (!ct.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || ct.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException e)
                {
                    // An ICMP error for an earlier reply to a client that is gone: nothing to do for the others.
                    var reason = e.SocketErrorCode.ToString();
                    ProxyLog.UdpReceiveFailed(logger, Frontend, reason);
                    continue;
                }
                try
                {
                    await _forwarder.HandleAsync(_socket, Frontend, buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Out of descriptors, or a socket closed under us: this datagram is lost, the frontend keeps serving.
                    var reason = e.Message;
                    ProxyLog.UdpReceiveFailed(logger, Frontend, reason);
                }
            }
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _forwarder.Close(_forwarder.Flows.RemoveFrontend(Frontend));
        _stop.Dispose();
    }
}
