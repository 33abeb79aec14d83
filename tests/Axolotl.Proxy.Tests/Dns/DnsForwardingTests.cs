using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Dns;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.Dns.DnsTestData;

namespace Axolotl.Proxy.Tests.Dns;

/// <summary>The server forwarding names outside cluster.local to a loopback upstream, over real sockets.</summary>
public sealed class DnsForwardingTests : IAsyncLifetime
{
    private static readonly IPAddress Address = IPAddress.Loopback;
    private readonly FakeUpstream _upstream = new();
    private DnsServer? _server;
    private int _port;

    public Task InitializeAsync() => StartServerAsync(TimeSpan.FromMilliseconds(600));

    /// <summary>(Re)starts the server on a fresh port with forwards that give up after <paramref name="deadline"/>.</summary>
    private async Task StartServerAsync(TimeSpan deadline)
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(Address, 0));
            _port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var forwarding = new DnsForwarderOptions
        {
            Upstreams = [_upstream.EndPoint],
            AttemptTimeout = deadline / 2,
            Deadline = deadline,
            MaxInFlightPerClient = 4,
        };
        var zone = DnsZone.Build([Service("default", "web", "10.96.0.10")], []);
        _server = new DnsServer(() => zone, new DnsServerOptions { Addresses = [Address], Port = _port, Forwarding = forwarding }, TimeProvider.System, NullLogger.Instance);
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
        await _upstream.DisposeAsync();
    }

    private async Task<byte[]> AskUdpAsync(byte[] query)
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.SendAsync(query, new IPEndPoint(Address, _port), timeout.Token);
        return (await client.ReceiveAsync(timeout.Token)).Buffer;
    }

    private async Task<byte[]> AskTcpAsync(byte[] query)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new IPEndPoint(Address, _port), timeout.Token);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await client.SendAsync(framed, SocketFlags.None, timeout.Token);
        var length = new byte[2];
        await client.ReceiveAsync(length, SocketFlags.None, timeout.Token);
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        var read = 0;
        while (read < message.Length)
        {
            read += await client.ReceiveAsync(message.AsMemory(read), SocketFlags.None, timeout.Token);
        }
        return message;
    }

    [Fact]
    public async Task ANameOutsideTheClusterIsAnsweredByTheUpstreamWithTheClientsIdAndThenFromTheCache()
    {
        var first = Read(await AskUdpAsync(Query("a.example", id: 0x4242)));
        var second = Read(await AskUdpAsync(Query("A.Example", id: 0x4343)));

        Assert.Equal((DnsResponseCode.NoError, (ushort)0x4242, "192.0.2.10"), (first.Code, first.Id, string.Join(',', first.Addresses)));
        Assert.Equal((DnsResponseCode.NoError, (ushort)0x4343, "192.0.2.10"), (second.Code, second.Id, string.Join(',', second.Addresses)));
        Assert.Equal(1, _upstream.Count("a.example"));
    }

    [Fact]
    public async Task ClusterNamesAreStillAnsweredFromTheZoneNotTheUpstream()
    {
        var reply = Read(await AskUdpAsync(Query("web.default.svc.cluster.local")));

        Assert.Equal([IPAddress.Parse("10.96.0.10")], reply.Addresses);
        Assert.Empty(_upstream.Queries);
    }

    [Fact]
    public async Task NxdomainIsPassedOnAndCachedForTheSoasNegativeTtl()
    {
        var first = await AskUdpAsync(Query("nx.example"));
        var second = await AskUdpAsync(Query("nx.example"));

        Assert.Equal(DnsResponseCode.NameError, DnsWire.ResponseCode(first));
        Assert.Equal(DnsResponseCode.NameError, DnsWire.ResponseCode(second));
        Assert.Equal(1, _upstream.Count("nx.example"));
    }

    [Fact]
    public async Task AnUpstreamThatRefusesBecomesServfail()
    {
        var reply = await AskUdpAsync(Query("refused.example"));

        Assert.Equal(DnsResponseCode.ServerFailure, DnsWire.ResponseCode(reply));
    }

    [Fact]
    public async Task AnUpstreamThatNeverAnswersBecomesServfailAndIsNotCached()
    {
        var first = await AskUdpAsync(Query("silent.example"));
        var second = await AskTcpAsync(Query("silent.example"));

        Assert.Equal(DnsResponseCode.ServerFailure, DnsWire.ResponseCode(first));
        Assert.Equal(DnsResponseCode.ServerFailure, DnsWire.ResponseCode(second));
        Assert.Equal(2, _upstream.Count("silent.example"));
        Assert.Equal(0, _server!.Cache.Count);
    }

    [Fact]
    public async Task AHugeTxtAnswerIsTruncatedOverUdpAndWholeOverTcp()
    {
        var udp = await AskUdpAsync(Query("big.example", type: 16));
        var tcp = await AskTcpAsync(Query("big.example", type: 16));

        Assert.True(DnsWire.IsTruncated(udp));
        Assert.True(udp.Length <= 512);
        Assert.False(DnsWire.IsTruncated(tcp));
        Assert.Equal(FakeUpstream.BigTxtStrings, DnsWire.Records(tcp)!.Count);
    }

    [Fact]
    public async Task AStormFromOneClientIsRefusedPastItsShareWhileAnotherClientIsStillForwarded()
    {
        // Four queries to the silent name hold all of this client's slots until their deadline: one long
        // enough that none of them gives up before the fifth query arrives on a loaded machine.
        await StartServerAsync(TimeSpan.FromSeconds(20));
        using var storm = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        for (var i = 0; i < 4; i++)
        {
            await storm.SendAsync(Query("silent.example", id: (ushort)i), new IPEndPoint(Address, _port));
        }
        await Eventually.TrueAsync(() => _server!.ForwardsInFlight == 4, "four forwards in flight", () => $"{_server!.ForwardsInFlight} in flight");
        await storm.SendAsync(Query("a.example", id: 99), new IPEndPoint(Address, _port));

        var replies = new List<byte[]>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!replies.Any(r => DnsWire.Id(r) == 99))
        {
            replies.Add((await storm.ReceiveAsync(timeout.Token)).Buffer);
        }
        var other = Read(await AskUdpAsync(Query("a.example")));

        Assert.Equal(DnsResponseCode.Refused, DnsWire.ResponseCode(replies.Single(r => DnsWire.Id(r) == 99)));
        Assert.Equal([IPAddress.Parse("192.0.2.10")], other.Addresses);
    }
}
