using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Dns;

namespace Axolotl.Proxy.Tests.Dns;

/// <summary>
/// An upstream resolver on a loopback port (UDP and TCP), answering by name: "a.example." A 192.0.2.10
/// (TTL 300), "nx.example." NXDOMAIN with a SOA (TTL 60, minimum 30), "refused.example." REFUSED,
/// "silent.example." nothing at all, "big.example." 40 TXT strings of 200 bytes (TC over UDP when over
/// 512 bytes). Counts the queries it got per name.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    public const int BigTxtStrings = 40;
    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _tcp = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public FakeUpstream()
    {
        _tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_tcp.LocalEndPoint!;
        _udp.Bind(EndPoint);
        _tcp.Listen(16);
        _loops.Add(Task.Run(UdpLoopAsync));
        _loops.Add(Task.Run(TcpLoopAsync));
    }

    public IPEndPoint EndPoint { get; }

    public ConcurrentDictionary<string, int> Queries { get; } = new(StringComparer.Ordinal);

    public int Count(string name) => Queries.GetValueOrDefault(name);

    private async Task UdpLoopAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                if (Answer(buffer[..received.ReceivedBytes], udp: true) is { } answer)
                {
                    await _udp.SendToAsync(answer, SocketFlags.None, received.RemoteEndPoint, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task TcpLoopAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _tcp.AcceptAsync(_stop.Token);
                var length = new byte[2];
                await client.ReceiveAsync(length, SocketFlags.None, _stop.Token);
                var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                var read = 0;
                while (read < query.Length)
                {
                    read += await client.ReceiveAsync(query.AsMemory(read), SocketFlags.None, _stop.Token);
                }
                if (Answer(query, udp: false) is { } answer)
                {
                    var framed = new byte[answer.Length + 2];
                    BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)answer.Length);
                    answer.CopyTo(framed, 2);
                    await client.SendAsync(framed, SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private byte[]? Answer(byte[] query, bool udp)
    {
        var parsed = DnsMessage.TryParse(query).Query!;
        Queries.AddOrUpdate(parsed.Name, 1, (_, n) => n + 1);
        var question = parsed.QuestionBytes.ToArray();
        var records = new List<byte[]>();
        ushort code = 0;
        ushort authority = 0;
        switch (parsed.Name)
        {
            case "a.example":
                records.Add(Record(1, 300, [192, 0, 2, 10]));
                break;
            case "nx.example":
                code = 3;
                authority = 1;
                // mname ".", rname ".", serial, refresh, retry, expire, minimum 30.
                records.Add(Record(DnsWire.TypeSoa, 60, [0, 0, .. U32(1), .. U32(3600), .. U32(600), .. U32(86400), .. U32(30)]));
                break;
            case "refused.example":
                code = 5;
                break;
            case "silent.example":
                return null;
            case "big.example":
                for (var i = 0; i < BigTxtStrings; i++)
                {
                    records.Add(Record(16, 300, [200, .. Enumerable.Repeat((byte)('a' + (i % 26)), 200)]));
                }
                break;
            default:
                code = 3;
                break;
        }
        var body = records.SelectMany(r => r).ToArray();
        var flags = (ushort)(0x8180 | code);
        if (udp && 12 + question.Length + body.Length > 512)
        {
            return [.. Header(parsed.Id, (ushort)(flags | 0x0200), 0, 0), .. question];
        }
        return [.. Header(parsed.Id, flags, authority == 0 ? (ushort)records.Count : (ushort)0, authority), .. question, .. body];
    }

    private static byte[] Header(ushort id, ushort flags, ushort answers, ushort authority) =>
        [(byte)(id >> 8), (byte)id, (byte)(flags >> 8), (byte)flags, 0, 1, (byte)(answers >> 8), (byte)answers, (byte)(authority >> 8), (byte)authority, 0, 0];

    private static byte[] Record(ushort type, uint ttl, byte[] data) =>
        [0xC0, 0x0C, (byte)(type >> 8), (byte)type, 0, 1, .. U32(ttl), (byte)(data.Length >> 8), (byte)data.Length, .. data];

    private static byte[] U32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Dispose();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
