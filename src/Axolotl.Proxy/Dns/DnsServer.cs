using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Dns;

/// <summary>How the cluster DNS server runs.</summary>
public sealed record DnsServerOptions
{
    /// <summary>Where it listens: the node bridge's gateway address, which every pod's resolv.conf names.</summary>
    public required IReadOnlyList<IPAddress> Addresses { get; init; }

    public int Port { get; init; } = 53;

    /// <summary>TTL of the answers: short, so clients see a Service's new endpoints soon.</summary>
    public uint Ttl { get; init; } = 5;

    /// <summary>Open TCP connections per address; beyond it new ones are closed at once.</summary>
    public int MaxTcpConnections { get; init; } = 64;

    /// <summary>A TCP connection that sends no complete query for this long is closed.</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How soon a bind that failed (address not there yet, port taken) is tried again.</summary>
    public TimeSpan BindRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where names outside the cluster domain go; null (or no upstreams) answers them REFUSED.</summary>
    public DnsForwarderOptions? Forwarding { get; init; }

    /// <summary>The forwarded answers' cache: at most this many entries and bytes.</summary>
    public int CacheEntries { get; init; } = 10_000;

    public long CacheBytes { get; init; } = 16 * 1024 * 1024;
}

/// <summary>
/// The node's cluster DNS server: answers queries for the cluster domain from the current
/// <see cref="DnsZone"/> over UDP (512-byte answers, TC set when more do not fit) and TCP (RFC 7766
/// length-prefixed). Names outside the domain go to the node's upstream resolvers through
/// <see cref="DnsForwarder"/> with a <see cref="DnsCache"/> (CoreDNS forward + cache); a UDP answer
/// larger than the client accepts (512 bytes, or its EDNS size) goes back truncated with TC set, so
/// the client asks again over TCP. Without upstreams they get REFUSED. Forwarded queries run off the
/// receive loop, so a slow upstream never holds up cluster names. Sockets are bound with IP_FREEBIND,
/// because the agent creates the bridge (and with it the gateway address) only when the first pod starts.
/// </summary>
public sealed class DnsServer : IAsyncDisposable
{
    private const int UdpMaxSize = 512;
    private const int UdpLargestAccepted = 4096;
    private const int TcpMaxSize = 65535;
    private const int SolIp = 0;
    private const int IpFreebind = 15;

    private readonly Func<DnsZone> _zone;
    private readonly DnsServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<BackgroundLoop> _running = [];
    private readonly List<Socket> _sockets = [];
    private readonly HashSet<IPEndPoint> _bound = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _allBound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DnsForwarder? _forwarder;
    private readonly DnsCache _cache;
    private int _boundCount;

    public DnsServer(Func<DnsZone> zone, DnsServerOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxTcpConnections);
        _zone = zone;
        _options = options;
        _time = time;
        _logger = logger;
        _forwarder = options.Forwarding is { Upstreams.Count: > 0 } forwarding ? new DnsForwarder(forwarding, time) : null;
        _cache = new DnsCache(time, options.CacheEntries, options.CacheBytes);
    }

    /// <summary>The forwarded answers held (tests look at it).</summary>
    public DnsCache Cache => _cache;

    /// <summary>Forwards waiting on an upstream now.</summary>
    public int ForwardsInFlight => _forwarder?.InFlight ?? 0;

    /// <summary>Addresses whose UDP and TCP sockets are bound.</summary>
    public int BoundCount => Volatile.Read(ref _boundCount);

    /// <summary>Completes once every address has its UDP and TCP socket.</summary>
    public Task WaitBoundAsync(CancellationToken ct) => _allBound.Task.WaitAsync(ct);

    /// <summary>Starts one serving loop per address; binding is retried in the background.</summary>
    public void Start()
    {
        foreach (var address in _options.Addresses)
        {
            var endPoint = new IPEndPoint(address, _options.Port);
            // Restart with backoff: the body survives a bad packet or a failed accept, so what escapes is a bug, and
            // the pods' resolv.conf names this address with no other server to fall back on.
            _running.Add(DelegateLoop.StartNew($"dns {endPoint}", LoopFailurePolicy.RestartWithBackoff, ct => ServeAsync(endPoint, ct), _time, _logger, _stop.Token));
        }
    }

    /// <summary>The response to one query packet, or null when it gets none (a response, a runt).</summary>
    public static byte[]? Respond(ReadOnlySpan<byte> packet, DnsZone zone, uint ttl, int maxSize)
    {
        var parsed = DnsMessage.TryParse(packet);
        if (parsed.Drop)
        {
            return null;
        }

        if (parsed.Query is not { } query)
        {
            return DnsMessage.WriteError(packet, parsed.Error);
        }

        var answer = zone.Lookup(query.Name, query.Type, query.Class);
        return DnsMessage.WriteResponse(query, answer.Code, answer.Addresses, ttl, maxSize);
    }

    /// <summary>
    /// What to do with one query: an answer now (the zone's, a cached one, an error; null = drop), or the
    /// query to forward. <paramref name="limit"/> is the most the client takes in one answer.
    /// </summary>
    private (byte[]? Now, DnsQuery? Forward) Decide(ReadOnlySpan<byte> packet, int zoneMaxSize, int limit)
    {
        var parsed = DnsMessage.TryParse(packet);
        if (parsed.Drop)
        {
            return (null, null);
        }
        if (parsed.Query is not { } query)
        {
            return (DnsMessage.WriteError(packet, parsed.Error), null);
        }
        var zone = _zone();
        if (_forwarder is null || zone.Serves(query.Name))
        {
            var answer = zone.Lookup(query.Name, query.Type, query.Class);
            return (DnsMessage.WriteResponse(query, answer.Code, answer.Addresses, _options.Ttl, zoneMaxSize), null);
        }
        return _cache.Get(DnsCache.Key(query, DnsWire.HasOpt(packet)), query) is { } cached ? (Fit(cached, query, limit), null) : (null, query);
    }

    /// <summary>A forward off the receive loop; returns an answer to send now only when it cannot start (REFUSED).</summary>
    private byte[]? StartForward(byte[] packet, DnsQuery query, IPEndPoint client, int limit, Func<byte[], CancellationToken, Task> send, CancellationToken ct)
    {
        if (!_forwarder!.TryAdmit(client.Address))
        {
            return DnsForwarder.Refused(query);
        }
        _ = Task.Run(async () =>
        {
            try
            {
                var answer = await ResolveAsync(packet, query, ct);
                await send(Fit(answer, query, limit), ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Stopping, or the client is gone: nothing to answer.
            }
            finally
            {
                _forwarder.Release(client.Address);
            }
        }, CancellationToken.None);
        return null;
    }

    private async Task<byte[]> ForwardNowAsync(byte[] packet, DnsQuery query, IPAddress client, int limit, CancellationToken ct)
    {
        if (!_forwarder!.TryAdmit(client))
        {
            return DnsForwarder.Refused(query);
        }
        try
        {
            return Fit(await ResolveAsync(packet, query, ct), query, limit);
        }
        finally
        {
            _forwarder.Release(client);
        }
    }

    private async Task<byte[]> ResolveAsync(byte[] packet, DnsQuery query, CancellationToken ct)
    {
        var answer = await _forwarder!.ForwardAsync(packet, query, ct);
        _cache.Put(DnsCache.Key(query, DnsWire.HasOpt(packet)), answer);
        return answer;
    }

    /// <summary>The answer as is when the client takes it, else header and question with TC set.</summary>
    private static byte[] Fit(byte[] answer, DnsQuery query, int limit) =>
        answer.Length <= limit ? answer : DnsWire.Truncate(answer, query.QuestionBytes.Span);

    private async Task ServeAsync(IPEndPoint endPoint, CancellationToken ct)
    {
        Socket? udp = null;
        Socket? tcp = null;
        string? lastFailure = null;
        try
        {
            while (true)
            {
                try
                {
                    udp = Bind(endPoint, SocketType.Dgram, ProtocolType.Udp);
                    tcp = Bind(endPoint, SocketType.Stream, ProtocolType.Tcp);
                    tcp.Listen(64);
                    break;
                }
                catch (SocketException e)
                {
                    udp?.Dispose();
                    tcp?.Dispose();
                    udp = tcp = null;
                    // Once per distinct reason: an unprivileged proxy would otherwise warn every retry.
                    if (e.Message != lastFailure)
                    {
                        lastFailure = e.Message;
                        DnsLog.BindFailed(_logger, endPoint.ToString(), e.Message);
                    }

                    await Task.Delay(_options.BindRetryInterval, _time, ct);
                }
            }

            bool first;
            lock (_lock)
            {
                _sockets.Add(udp);
                _sockets.Add(tcp);
                first = _bound.Add(endPoint);
            }

            // A restarted loop binds its address again; it was counted the first time.
            if (first && Interlocked.Increment(ref _boundCount) == _options.Addresses.Count)
            {
                _allBound.TrySetResult();
            }

            var domain = _zone().Domain;
            var where = endPoint.ToString();
            DnsLog.Listening(_logger, domain, where);
            await Task.WhenAll(UdpLoopAsync(udp, endPoint, ct), TcpLoopAsync(tcp, endPoint, ct));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && ct.IsCancellationRequested)
        {
        }
        finally
        {
            udp?.Dispose();
            tcp?.Dispose();
        }
    }

    private static Socket Bind(IPEndPoint endPoint, SocketType type, ProtocolType protocol)
    {
        var socket = new Socket(endPoint.AddressFamily, type, protocol);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(SolIp, IpFreebind, BitConverter.GetBytes(1));
            }

            if (type == SocketType.Stream)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task UdpLoopAsync(Socket socket, IPEndPoint endPoint, CancellationToken ct)
    {
        // EDNS clients may send more than 512 bytes; the answer still keeps to 512 (no OPT is echoed).
        var buffer = new byte[4096];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
                var packet = buffer.AsMemory(0, received.ReceivedBytes);
                var limit = Math.Min(UdpLargestAccepted, DnsWire.UdpPayloadSize(packet.Span));
                var (response, forward) = Decide(packet.Span, UdpMaxSize, limit);
                if (forward is not null && received.RemoteEndPoint is IPEndPoint client)
                {
                    response = StartForward(packet.ToArray(), forward, client, limit,
                        (answer, token) => socket.SendToAsync(answer, SocketFlags.None, client, token).AsTask(), ct);
                }
                if (response is not null)
                {
                    await socket.SendToAsync(response, SocketFlags.None, received.RemoteEndPoint, ct);
                }
            }
            catch (SocketException e)
            {
                // One unreachable client (ICMP port unreachable comes back as an error here) must not stop the server.
                DnsLog.ServeFailed(_logger, "UDP", endPoint.ToString(), e.Message);
            }
        }
    }

    private async Task TcpLoopAsync(Socket listener, IPEndPoint endPoint, CancellationToken ct)
    {
        var open = 0;
        var connections = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(ct);
            }
            catch (SocketException e)
            {
                DnsLog.ServeFailed(_logger, "TCP accept", endPoint.ToString(), e.Message);
                continue;
            }

            if (Interlocked.Increment(ref open) > _options.MaxTcpConnections)
            {
                Interlocked.Decrement(ref open);
                client.Dispose();
                continue;
            }

            connections.RemoveAll(t => t.IsCompleted);
            connections.Add(Task.Run(async () =>
            {
                try
                {
                    await ServeTcpAsync(client, ct);
                }
                finally
                {
                    client.Dispose();
                    Interlocked.Decrement(ref open);
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeTcpAsync(Socket client, CancellationToken ct)
    {
        var peer = (client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        var lengthBuffer = new byte[2];
        try
        {
            while (true)
            {
                using var idle = Deadline.After(_options.TcpIdleTimeout, _time, ct);
                if (!await DnsWire.ReadExactlyAsync(client, lengthBuffer, idle.Token))
                {
                    return;
                }

                var length = BinaryPrimitives.ReadUInt16BigEndian(lengthBuffer);
                var message = new byte[length];
                if (!await DnsWire.ReadExactlyAsync(client, message, idle.Token))
                {
                    return;
                }

                var (response, forward) = Decide(message, TcpMaxSize - 2, TcpMaxSize - 2);
                if (forward is not null)
                {
                    response = await ForwardNowAsync(message, forward, peer, TcpMaxSize - 2, ct);
                }
                if (response is null)
                {
                    return;
                }

                var framed = new byte[response.Length + 2];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)response.Length);
                response.CopyTo(framed, 2);
                await client.SendAsync(framed, SocketFlags.None, idle.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Idle timeout or shutdown: the connection just closes.
        }
        catch (SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        lock (_lock)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        foreach (var loop in _running)
        {
            await loop.DisposeAsync();
        }

        _stop.Dispose();
    }
}
