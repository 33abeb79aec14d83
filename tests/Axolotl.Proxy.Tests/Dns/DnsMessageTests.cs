using System.Net;
using Axolotl.Proxy.Dns;
using static Axolotl.Proxy.Tests.Dns.DnsTestData;

namespace Axolotl.Proxy.Tests.Dns;

public sealed class DnsMessageTests
{
    [Fact]
    public void AQueryIsParsedIntoLowerCaseNameTypeAndClass()
    {
        var parsed = DnsMessage.TryParse(Query("Web.Default.SVC.cluster.local.", id: 0xBEEF));

        var query = Assert.IsType<DnsQuery>(parsed.Query);
        Assert.Equal("web.default.svc.cluster.local", query.Name);
        Assert.Equal(DnsMessage.TypeA, query.Type);
        Assert.Equal(DnsMessage.ClassIn, query.Class);
        Assert.Equal(0xBEEF, query.Id);
        Assert.True(query.RecursionDesired);
    }

    [Fact]
    public void TheResponseEchoesIdAndQuestionInTheClientsLetterCase()
    {
        var packet = Query("WeB.default.svc.cluster.local");
        var query = DnsMessage.TryParse(packet).Query!;

        var response = DnsMessage.WriteResponse(query, DnsResponseCode.NoError, [IPAddress.Parse("10.96.0.10")], 5, 512);

        var reply = Read(response);
        Assert.Equal(0x1234, reply.Id);
        Assert.True(reply.Authoritative);
        Assert.Equal(DnsResponseCode.NoError, reply.Code);
        Assert.Equal([IPAddress.Parse("10.96.0.10")], reply.Addresses);
        Assert.Equal(packet.AsSpan(12).ToArray(), response.AsSpan(12, packet.Length - 12).ToArray());
    }

    [Fact]
    public void AnswersThatDoNotFitInAUdpMessageAreCutAndTheTruncatedBitSet()
    {
        var query = DnsMessage.TryParse(Query("many.default.svc.cluster.local")).Query!;
        var addresses = Enumerable.Range(1, 100).Select(i => IPAddress.Parse($"10.244.0.{i}")).ToList();

        var response = DnsMessage.WriteResponse(query, DnsResponseCode.NoError, addresses, 5, 512);

        var reply = Read(response);
        Assert.True(response.Length <= 512);
        Assert.True(reply.Truncated);
        Assert.InRange(reply.Addresses.Count, 20, 99);
    }

    [Fact]
    public void RuntsAndResponsesAreDroppedWithoutAnAnswer()
    {
        Assert.True(DnsMessage.TryParse(new byte[11]).Drop);
        Assert.True(DnsMessage.TryParse(Query("a.cluster.local", flags: 0x8100)).Drop);
    }

    [Fact]
    public void AnotherOpcodeThanQueryIsNotImplemented()
    {
        var parsed = DnsMessage.TryParse(Query("a.cluster.local", flags: 0x2800));

        Assert.Null(parsed.Query);
        Assert.False(parsed.Drop);
        Assert.Equal(DnsResponseCode.NotImplemented, parsed.Error);
    }

    public static TheoryData<string, byte[]> Malformed()
    {
        var good = Query("web.default.svc.cluster.local");
        var twoQuestions = (byte[])good.Clone();
        twoQuestions[5] = 2;
        var noQuestion = (byte[])good.Clone();
        noQuestion[5] = 0;
        var pointer = good[..12].Concat(new byte[] { 0xC0, 0x0C, 0, 1, 0, 1 }).ToArray();
        var longLabel = good[..12].Concat(new byte[] { 64 }).Concat(new byte[64]).Concat(new byte[] { 0, 0, 1, 0, 1 }).ToArray();
        var longName = good[..12].Concat(Enumerable.Repeat(Enumerable.Repeat((byte)'a', 50).Prepend((byte)50), 6).SelectMany(x => x))
            .Concat(new byte[] { 0, 0, 1, 0, 1 }).ToArray();
        var dotInLabel = good[..12].Concat(new byte[] { 3, (byte)'a', (byte)'.', (byte)'b', 0, 0, 1, 0, 1 }).ToArray();
        return new TheoryData<string, byte[]>
        {
            { "two questions", twoQuestions },
            { "no question", noQuestion },
            { "name cut short", good[..20] },
            { "type and class missing", good[..^3] },
            { "no terminating label", good[..12].Concat(new byte[] { 3, (byte)'w', (byte)'e', (byte)'b' }).ToArray() },
            { "compression pointer", pointer },
            { "label over 63 bytes", longLabel },
            { "name over 255 bytes", longName },
            { "dot inside a label", dotInLabel },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void AMalformedQuestionGetsAFormatErrorWithTheSameId(string why, byte[] packet)
    {
        var parsed = DnsMessage.TryParse(packet);

        Assert.True(parsed.Query is null, why);
        Assert.False(parsed.Drop);
        Assert.Equal(DnsResponseCode.FormatError, parsed.Error);
        var reply = Read(DnsServer.Respond(packet, DnsZone.Empty, 5, 512)!);
        Assert.Equal(0x1234, reply.Id);
        Assert.Equal(DnsResponseCode.FormatError, reply.Code);
        Assert.Equal(0, reply.Questions);
    }

    [Fact]
    public void RandomAndMutatedPacketsNeverThrow()
    {
        var zone = DnsZone.Build([Service("default", "web", "10.96.0.10")], []);
        var random = new Random(6005);
        var seed = Query("web.default.svc.cluster.local");
        for (var i = 0; i < 20000; i++)
        {
            byte[] packet;
            if (i % 2 == 0)
            {
                packet = new byte[random.Next(0, 80)];
                random.NextBytes(packet);
            }
            else
            {
                packet = seed[..random.Next(0, seed.Length + 1)];
                for (var flips = random.Next(1, 4); flips > 0 && packet.Length > 0; flips--)
                {
                    packet[random.Next(packet.Length)] = (byte)random.Next(256);
                }
            }

            var response = DnsServer.Respond(packet, zone, 5, 512);
            if (response is not null)
            {
                Assert.True(response.Length is >= 12 and <= 512);
                Assert.Equal(packet[0], response[0]);
            }
        }
    }
}
