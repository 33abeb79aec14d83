using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Dns;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.Dns.DnsTestData;

namespace Axolotl.Proxy.Tests.Dns;

/// <summary>The server on a loopback address and a free port, over real UDP and TCP sockets.</summary>
public sealed class DnsServerTests : IAsyncLifetime
{
    private static readonly IPAddress Address = IPAddress.Loopback;
    private DnsZone _zone = DnsZone.Build([Service("default", "web", "10.96.0.10")], []);
    private DnsServer? _server;
    private int _port;

    public async Task InitializeAsync()
    {
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(Address, 0));
            _port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        _server = new DnsServer(() => _zone, new DnsServerOptions { Addresses = [Address], Port = _port }, TimeProvider.System, NullLogger.Instance);
        _server.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _server.WaitBoundAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<Reply> AskUdpAsync(byte[] query)
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.SendAsync(query, new IPEndPoint(Address, _port), timeout.Token);
        var result = await client.ReceiveAsync(timeout.Token);
        return Read(result.Buffer);
    }

    [Fact]
    public async Task AUdpQueryGetsTheCurrentZonesAnswer()
    {
        Assert.Equal([IPAddress.Parse("10.96.0.10")], (await AskUdpAsync(Query("web.default.svc.cluster.local"))).Addresses);

        _zone = DnsZone.Build([Service("default", "web", "10.96.0.99")], []);

        Assert.Equal([IPAddress.Parse("10.96.0.99")], (await AskUdpAsync(Query("web.default.svc.cluster.local"))).Addresses);
    }

    [Fact]
    public async Task GarbageDoesNotStopTheServerAnsweringTheNextQuery()
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        await client.SendAsync(new byte[] { 1, 2, 3 }, new IPEndPoint(Address, _port));
        await client.SendAsync(new byte[] { 0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C }, new IPEndPoint(Address, _port));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(DnsResponseCode.FormatError, Read((await client.ReceiveAsync(timeout.Token)).Buffer).Code);

        var reply = await AskUdpAsync(Query("example.com"));

        Assert.Equal(DnsResponseCode.Refused, reply.Code);
        Assert.Empty(reply.Addresses);
    }

    [Fact]
    public async Task TcpAnswersInFullWhatUdpHadToTruncate()
    {
        var endpoints = Enumerable.Range(1, 60).Select(i => ($"10.244.0.{i}", true, (string?)null)).ToArray();
        _zone = DnsZone.Build([Service("default", "big", "None")], [Slice("default", "big", endpoints)]);
        var query = Query("big.default.svc.cluster.local");
        Assert.True((await AskUdpAsync(query)).Truncated);

        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(Address, _port);
        var stream = client.GetStream();
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        // Two queries on one connection, as RFC 7766 allows.
        for (var round = 0; round < 2; round++)
        {
            await stream.WriteAsync(framed, timeout.Token);
            var length = new byte[2];
            await stream.ReadExactlyAsync(length, timeout.Token);
            var response = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
            await stream.ReadExactlyAsync(response, timeout.Token);

            var reply = Read(response);
            Assert.False(reply.Truncated);
            Assert.Equal(60, reply.Addresses.Count);
        }
    }
}
