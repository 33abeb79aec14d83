using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Axolotl.Proxy.Dns;

/// <summary>How names outside the cluster domain are forwarded (CoreDNS forward's knobs, with its defaults where it has them).</summary>
public sealed record DnsForwarderOptions
{
    /// <summary>The node's resolvers, tried in order (from its resolv.conf).</summary>
    public required IReadOnlyList<IPEndPoint> Upstreams { get; init; }

    /// <summary>How long one upstream gets to answer before the next is asked.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most a query waits for all upstreams together before it is answered SERVFAIL: under glibc's
    /// 5 s per try, so a pod hears SERVFAIL rather than its own timeout.
    /// </summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Forwards in flight on this node (CoreDNS max_concurrent); past it a query is answered REFUSED at once.</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>Forwards in flight for one client address, so one pod's storm leaves room for the others.</summary>
    public int MaxInFlightPerClient { get; init; } = 32;
}

/// <summary>
/// Forwards a query to the node's upstream resolvers, as CoreDNS's forward plugin: UDP first, TCP when
/// the answer comes back truncated (or the client asked over TCP and UDP was truncated), each upstream
/// in turn. A fresh socket and a random ID per attempt, and only a response with that ID and the same
/// question is taken, so a spoofed or stray datagram is ignored. A REFUSED upstream (it does not serve
/// us) or one that does not answer in time moves on to the next; when none answers, SERVFAIL, within
/// <see cref="DnsForwarderOptions.Deadline"/>. Forwards in flight are bounded per node and per client.
/// </summary>
public sealed class DnsForwarder(DnsForwarderOptions options, TimeProvider time)
{
    private const int MaxMessage = 65535;
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private readonly Lock _lock = new();
    private int _inFlight;

    public IReadOnlyList<IPEndPoint> Upstreams => options.Upstreams;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a forwarding slot for <paramref name="client"/>; false when the node's or the client's are all taken.</summary>
    public bool TryAdmit(IPAddress client)
    {
        lock (_lock)
        {
            var mine = _perClient.GetValueOrDefault(client);
            if (_inFlight >= options.MaxInFlight || mine >= options.MaxInFlightPerClient)
            {
                return false;
            }
            _inFlight++;
            _perClient[client] = mine + 1;
            return true;
        }
    }

    /// <summary>Gives back the slot <see cref="TryAdmit"/> took.</summary>
    public void Release(IPAddress client)
    {
        lock (_lock)
        {
            _inFlight--;
            if (_perClient.TryGetValue(client, out var mine) && mine > 1)
            {
                _perClient[client] = mine - 1;
            }
            else
            {
                _perClient.Remove(client);
            }
        }
    }

    /// <summary>The upstream's whole answer to <paramref name="packet"/> with the client's ID, or SERVFAIL.</summary>
    public async Task<byte[]> ForwardAsync(ReadOnlyMemory<byte> packet, DnsQuery query, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(options.Deadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        foreach (var upstream in options.Upstreams)
        {
            try
            {
                var answer = await AskAsync(upstream, packet, query, linked.Token);
                if (answer is not null && DnsWire.ResponseCode(answer) != DnsResponseCode.Refused)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(answer, query.Id);
                    return answer;
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                break;
            }
        }
        return ServerFailure(query);
    }

    /// <summary>SERVFAIL to <paramref name="query"/>: not authoritative (AA cleared), recursion available (RA set), as a forwarder answers.</summary>
    public static byte[] ServerFailure(DnsQuery query) => NotAuthoritative(DnsMessage.WriteResponse(query, DnsResponseCode.ServerFailure, [], 0, 512));

    /// <summary>REFUSED for a query past the in-flight bounds (CoreDNS forward's max_concurrent answer).</summary>
    public static byte[] Refused(DnsQuery query) => NotAuthoritative(DnsMessage.WriteResponse(query, DnsResponseCode.Refused, [], 0, 512));

    private static byte[] NotAuthoritative(byte[] response)
    {
        response[2] &= unchecked((byte)~0x04);
        response[3] |= 0x80;
        return response;
    }

    /// <summary>One upstream: UDP, then TCP if truncated; null when it does not answer in time or answers nonsense.</summary>
    private async Task<byte[]?> AskAsync(IPEndPoint upstream, ReadOnlyMemory<byte> packet, DnsQuery query, CancellationToken ct)
    {
        using var attempt = new CancellationTokenSource(options.AttemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, attempt.Token);
        try
        {
            var outgoing = packet.ToArray();
            var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
            BinaryPrimitives.WriteUInt16BigEndian(outgoing, id);
            var answer = await AskUdpAsync(upstream, outgoing, id, query, linked.Token);
            if (answer is not null && DnsWire.IsTruncated(answer))
            {
                answer = await AskTcpAsync(upstream, outgoing, id, query, linked.Token);
            }
            return answer;
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return null;
        }
        catch (SocketException)
        {
            // Refused (nothing listens), unreachable: the next upstream.
            return null;
        }
    }

    private static async Task<byte[]?> AskUdpAsync(IPEndPoint upstream, byte[] outgoing, ushort id, DnsQuery query, CancellationToken ct)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(upstream, ct);
        await socket.SendAsync(outgoing, SocketFlags.None, ct);
        var buffer = new byte[MaxMessage];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (Matches(buffer.AsSpan(0, received), id, query))
            {
                return buffer[..received];
            }
        }
    }

    private static async Task<byte[]?> AskTcpAsync(IPEndPoint upstream, byte[] outgoing, ushort id, DnsQuery query, CancellationToken ct)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(upstream, ct);
        var framed = new byte[outgoing.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)outgoing.Length);
        outgoing.CopyTo(framed, 2);
        await socket.SendAsync(framed, SocketFlags.None, ct);
        var length = new byte[2];
        if (!await DnsWire.ReadExactlyAsync(socket, length, ct))
        {
            return null;
        }
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        return await DnsWire.ReadExactlyAsync(socket, message, ct) && Matches(message, id, query) ? message : null;
    }

    /// <summary>A response with our ID to the same question (name compared without case, type, class).</summary>
    private static bool Matches(ReadOnlySpan<byte> message, ushort id, DnsQuery query)
    {
        if (!DnsWire.IsResponse(message) || DnsWire.Id(message) != id || BinaryPrimitives.ReadUInt16BigEndian(message[4..]) != 1)
        {
            return false;
        }
        var question = query.QuestionBytes.Span;
        if (message.Length < DnsMessage.HeaderLength + question.Length)
        {
            return false;
        }
        var theirs = message.Slice(DnsMessage.HeaderLength, question.Length);
        for (var i = 0; i < question.Length; i++)
        {
            if (char.ToLowerInvariant((char)theirs[i]) != char.ToLowerInvariant((char)question[i]))
            {
                return false;
            }
        }
        return true;
    }
}
