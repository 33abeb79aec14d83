using Axolotl.Proxy.Dns;
using Axolotl.Testing;
using static Axolotl.Proxy.Tests.Dns.DnsTestData;

namespace Axolotl.Proxy.Tests.Dns;

public sealed class DnsCacheTests
{
    private readonly FakeTimeProvider _time = new();

    /// <summary>An answer to <paramref name="name"/>: one A record with <paramref name="ttl"/>.</summary>
    private static byte[] Answer(string name, uint ttl)
    {
        var question = Query(name)[12..];
        return [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, .. question,
            0xC0, 0x0C, 0, 1, 0, 1, (byte)(ttl >> 24), (byte)(ttl >> 16), (byte)(ttl >> 8), (byte)ttl, 0, 4, 192, 0, 2, 1];
    }

    private static DnsQuery Parsed(string name, ushort id = 7) => DnsMessage.TryParse(Query(name, id: id)).Query!;

    [Fact]
    public void AnAnswerIsServedWithItsTtlAgedAndGoneOnceItExpires()
    {
        var cache = new DnsCache(_time);
        var key = DnsCache.Key(Parsed("a.example"), edns: false);
        Assert.True(cache.Put(key, Answer("a.example", 60)));

        _time.Advance(TimeSpan.FromSeconds(20));
        var hit = cache.Get(key, Parsed("a.example", id: 9))!;
        _time.Advance(TimeSpan.FromSeconds(41));

        Assert.Equal(9, DnsWire.Id(hit));
        Assert.Equal(40u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hit.AsSpan(DnsWire.Records(hit)![0].TtlOffset)));
        Assert.Null(cache.Get(key, Parsed("a.example")));
    }

    [Fact]
    public void ATtlAboveAnHourIsKeptOnlyAnHour()
    {
        var cache = new DnsCache(_time);
        var key = DnsCache.Key(Parsed("a.example"), edns: false);
        cache.Put(key, Answer("a.example", 86400));

        _time.Advance(TimeSpan.FromMinutes(61));

        Assert.Null(cache.Get(key, Parsed("a.example")));
    }

    [Fact]
    public void ServfailAndZeroTtlAreNotCached()
    {
        var cache = new DnsCache(_time);

        Assert.False(cache.Put("s", DnsForwarder.ServerFailure(Parsed("s.example"))));
        Assert.False(cache.Put("z", Answer("z.example", 0)));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void AFloodOfUniqueNamesStaysWithinTheEntryBound()
    {
        var cache = new DnsCache(_time, maxEntries: 100);

        for (var i = 0; i < 1000; i++)
        {
            cache.Put($"n{i}", Answer($"n{i}.example", 300));
        }

        Assert.InRange(cache.Count, 1, 100);
        Assert.NotNull(cache.Get("n999", Parsed("n999.example")));
    }
}
