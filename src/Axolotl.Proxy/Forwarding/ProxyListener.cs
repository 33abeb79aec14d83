using System.Net.Sockets;
using Axolotl.Proxy.Diagnostics;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Forwarding;

/// <summary>
/// One listening socket for one frontend, bound with SO_REUSEADDR and SO_REUSEPORT so that the proxies
/// of several nodes of one cluster on the same host can share a cluster IP or node port (the kernel
/// spreads connections over them), and an accept loop that hands each connection off without waiting.
/// </summary>
internal sealed class ProxyListener : IFrontendListener
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private ProxyListener(Frontend frontend, Socket socket)
    {
        Frontend = frontend;
        _socket = socket;
    }

    public Frontend Frontend { get; }

    /// <summary>Binds and listens; throws <see cref="SocketException"/> when the address is taken or not local.</summary>
    public static ProxyListener Open(Frontend frontend, int backlog)
    {
        var socket = new Socket(frontend.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Network.SocketReuse.Address(socket);
            Network.SocketReuse.Port(socket);
            socket.Bind(frontend.EndPoint);
            socket.Listen(backlog);
            return new ProxyListener(frontend, socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start(Func<Socket, Frontend, CancellationToken, Task> handle, TimeProvider time, ILogger logger)
    {
        var ct = _stop.Token;
        _loop = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                Socket accepted;
                try
                {
                    accepted = await _socket.AcceptAsync(ct);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException ||
                                          e is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted } && ct.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException e)
                {
                    // Typically out of file descriptors: back off briefly instead of spinning, then keep serving.
                    ProxyLog.AcceptFailed(logger, e, Frontend);
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    continue;
                }
                _ = handle(accepted, Frontend, ct);
            }
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
