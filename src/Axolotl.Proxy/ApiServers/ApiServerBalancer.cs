using System.Net;
using System.Net.Sockets;
using Axolotl.Hosting;
using Axolotl.Proxy.Forwarding;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.ApiServers;

/// <summary>
/// A local TCP balancer in front of a cluster's API servers, for clients that take one server
/// address (kubectl and every kubeconfig): each connection goes to the server that took the last
/// one and, when it cannot be connected to (refused, unreachable, no answer within the connect
/// timeout), to the next in turn, as k3s's agent load balancer does. Bytes pass through untouched:
/// TLS, client certificates and tokens stay end to end between the client and the server, so the
/// balancer holds no credential and can grant nothing. A connection already open to a server that
/// dies breaks; the client's next one (kubectl's next command, an informer's relist or re-watch from
/// its resourceVersion) lands on a live server.
/// </summary>
public sealed partial class ApiServerBalancer(
    IReadOnlyList<DnsEndPoint> servers,
    ILogger logger,
    TimeSpan? connectTimeout = null,
    int maxConnections = ApiServerBalancer.DefaultMaxConnections,
    TimeProvider? clock = null) : IDisposable
{
    public const int DefaultMaxConnections = 4096;
    private const int BufferSize = 64 * 1024;

    private readonly DnsEndPoint[] _servers = servers.Count > 0 ? [.. servers] : throw new ArgumentException("at least one server is needed", nameof(servers));
    private readonly TimeSpan _connectTimeout = connectTimeout ?? TimeSpan.FromSeconds(2);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private Socket? _listener;
    private int _current;
    private int _open;

    /// <summary>The server the next connection tries first.</summary>
    public DnsEndPoint Current => _servers[Volatile.Read(ref _current)];

    /// <summary>Binds <paramref name="listen"/> (port 0 picks one) and returns the address bound.</summary>
    public IPEndPoint Listen(IPEndPoint listen)
    {
        var socket = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(listen);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _listener = socket;
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>Accepts connections until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var listener = _listener ?? throw new InvalidOperationException("Listen first");
        using var stop = ct.Register(() => listener.Dispose());
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || ct.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e)
            {
                LogAcceptFailed(logger, e.SocketErrorCode);
                continue;
            }
            _ = HandleAsync(client, ct);
        }
    }

    private async Task HandleAsync(Socket client, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _open) > maxConnections)
        {
            Interlocked.Decrement(ref _open);
            LogConnectionLimit(logger, maxConnections);
            ConnectionPump.Abort(client);
            return;
        }
        try
        {
            client.NoDelay = true;
            var backend = await ConnectAnyAsync(ct);
            if (backend is null)
            {
                ConnectionPump.Abort(client);
                return;
            }
            await ConnectionPump.RunAsync(client, backend, BufferSize);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            ConnectionPump.Abort(client);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>The current server or, failing that, each other one in turn; null when none answers.</summary>
    private async Task<Socket?> ConnectAnyAsync(CancellationToken ct)
    {
        var start = Volatile.Read(ref _current);
        for (var attempt = 0; attempt < _servers.Length; attempt++)
        {
            var index = (start + attempt) % _servers.Length;
            var server = _servers[index];
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = Deadline.After(_connectTimeout, _clock, ct);
            try
            {
                await socket.ConnectAsync(server, timeout.Token);
                if (index != start && Interlocked.CompareExchange(ref _current, index, start) == start)
                {
                    LogSwitched(logger, Name(_servers[start]), Name(server));
                }
                return socket;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                socket.Dispose();
                LogUnreachable(logger, Name(server), e is SocketException s ? s.SocketErrorCode.ToString() : "connect timed out");
            }
        }
        LogNoServer(logger, _servers.Length);
        return null;
    }

    public void Dispose() => _listener?.Dispose();

    /// <summary>HOST:PORT ([HOST]:PORT for IPv6), as a user wrote it (DnsEndPoint's own ToString adds the address family).</summary>
    public static string Name(DnsEndPoint server) =>
        server.Host.Contains(':', StringComparison.Ordinal) ? $"[{server.Host}]:{server.Port}" : $"{server.Host}:{server.Port}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "API server {Server} cannot be reached: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "connections now go to {To} ({From} cannot be reached)")]
    private static partial void LogSwitched(ILogger logger, string from, string to);

    [LoggerMessage(Level = LogLevel.Error, Message = "none of the {Count} API servers can be reached: connection reset")]
    private static partial void LogNoServer(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Limit} connections open: connection reset")]
    private static partial void LogConnectionLimit(ILogger logger, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "accept failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);
}
