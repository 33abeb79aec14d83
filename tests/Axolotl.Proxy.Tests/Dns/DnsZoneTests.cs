using System.Net;
using Axolotl.Proxy.Dns;
using static Axolotl.Proxy.Tests.Dns.DnsTestData;

namespace Axolotl.Proxy.Tests.Dns;

public sealed class DnsZoneTests
{
    private static readonly DnsZone Zone = DnsZone.Build(
        [
            Service("default", "web", "10.96.0.10"),
            Service("shop", "db", "None"),
            Service("shop", "all", "None", publishNotReady: true),
            Service("shop", "alias", "", type: "ExternalName"),
        ],
        [
            Slice("shop", "db", ("10.244.0.7", true, "db-0"), ("10.244.0.5", true, null), ("10.244.0.6", false, null)),
            Slice("shop", "all", ("10.244.0.8", true, null), ("10.244.0.9", false, null)),
            Slice("default", "web", ("10.244.0.2", true, null)),
        ]);

    private static DnsAnswer A(string name) => Zone.Lookup(name, DnsMessage.TypeA, DnsMessage.ClassIn);

    [Fact]
    public void AServiceNameResolvesToItsClusterIpNotToItsEndpoints()
    {
        var answer = A("web.default.svc.cluster.local");

        Assert.Equal(DnsResponseCode.NoError, answer.Code);
        Assert.Equal([IPAddress.Parse("10.96.0.10")], answer.Addresses);
    }

    [Fact]
    public void AHeadlessServiceResolvesToItsReadyPodAddressesInOrder()
    {
        Assert.Equal([IPAddress.Parse("10.244.0.5"), IPAddress.Parse("10.244.0.7")], A("db.shop.svc.cluster.local").Addresses);
        Assert.Equal([IPAddress.Parse("10.244.0.7")], A("db-0.db.shop.svc.cluster.local").Addresses);
    }

    [Fact]
    public void PublishNotReadyAddressesAlsoListsPodsThatAreNotReady()
    {
        Assert.Equal([IPAddress.Parse("10.244.0.8"), IPAddress.Parse("10.244.0.9")], A("all.shop.svc.cluster.local").Addresses);
    }

    [Fact]
    public void AHeadlessServiceWithoutReadyPodsIsAnEmptyNameNotAnAddress()
    {
        var zone = DnsZone.Build([Service("shop", "db", "None")], [Slice("shop", "db", ("10.244.0.6", false, null))]);

        var answer = zone.Lookup("db.shop.svc.cluster.local", DnsMessage.TypeA, DnsMessage.ClassIn);

        Assert.Equal(DnsResponseCode.NoError, answer.Code);
        Assert.Empty(answer.Addresses);
    }

    [Theory]
    [InlineData("nothing.default.svc.cluster.local")]
    [InlineData("web.default.default.svc.cluster.local")]
    [InlineData("web.nowhere.svc.cluster.local")]
    [InlineData("alias.shop.svc.cluster.local")]
    [InlineData("x.cluster.local")]
    [InlineData("10-244-0-300.default.pod.cluster.local")]
    public void UnknownNamesInTheClusterDomainDoNotExist(string name)
    {
        Assert.Equal(DnsResponseCode.NameError, A(name).Code);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("web")]
    [InlineData("web.default")]
    [InlineData("evilcluster.local")]
    [InlineData("local")]
    public void NamesOutsideTheClusterDomainAreRefusedNeverForwarded(string name)
    {
        Assert.Equal(DnsResponseCode.Refused, A(name).Code);
    }

    [Theory]
    [InlineData("cluster.local")]
    [InlineData("svc.cluster.local")]
    [InlineData("default.svc.cluster.local")]
    public void NamesAboveServicesExistWithoutAddresses(string name)
    {
        var answer = A(name);

        Assert.Equal(DnsResponseCode.NoError, answer.Code);
        Assert.Empty(answer.Addresses);
    }

    [Fact]
    public void AnAaaaQuestionForAServiceGetsNoDataSoIpv4IsUsed()
    {
        var answer = Zone.Lookup("web.default.svc.cluster.local", 28, DnsMessage.ClassIn);

        Assert.Equal(DnsResponseCode.NoError, answer.Code);
        Assert.Empty(answer.Addresses);
    }

    [Fact]
    public void APodNameWithDashesResolvesToTheAddressItSpells()
    {
        Assert.Equal([IPAddress.Parse("10.244.1.5")], A("10-244-1-5.anyns.pod.cluster.local").Addresses);
    }

    [Fact]
    public void TheWholeQueryPathAnswersAServiceByItsFullName()
    {
        var reply = Read(DnsServer.Respond(Query("web.default.svc.cluster.local."), Zone, 5, 512)!);

        Assert.Equal(DnsResponseCode.NoError, reply.Code);
        Assert.Equal([IPAddress.Parse("10.96.0.10")], reply.Addresses);
    }
}
