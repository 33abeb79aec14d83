using System.Net;
using Axolotl.Proxy.Conntrack;

namespace Axolotl.Proxy.Tests.Conntrack;

/// <summary>Which UDP conntrack entries go when a Service's endpoints change (kube-proxy's cleanup, ADR 0030).</summary>
public sealed class StaleUdpFlowsTests
{
    private static readonly IPEndPoint Dns = IPEndPoint.Parse("10.96.0.53:53");

    private static ConntrackFlow Flow(string to, string replyFrom, byte protocol = ConntrackFlow.Udp) =>
        new(protocol, IPEndPoint.Parse("10.244.0.9:40000"), IPEndPoint.Parse(to), IPAddress.Parse(replyFrom));

    private static IReadOnlyDictionary<IPEndPoint, IReadOnlySet<IPAddress>> Endpoints(params string[] addresses) =>
        new Dictionary<IPEndPoint, IReadOnlySet<IPAddress>> { [Dns] = addresses.Select(IPAddress.Parse).ToHashSet() };

    public static TheoryData<string, string, string[], string[], bool> Cases => new()
    {
        // to, reply from, endpoints of 10.96.0.53:53 now, gone frontends, deleted?
        { "10.96.0.53:53", "10.244.0.4", ["10.244.0.4"], [], false },
        { "10.96.0.53:53", "10.244.0.4", ["10.244.0.5"], [], true },
        // Made while the frontend had no endpoint (or the relay served it): never DNATed again unless it goes.
        { "10.96.0.53:53", "10.96.0.53", ["10.244.0.5"], [], true },
        // No endpoint at all: nothing better for the client, left alone until one comes.
        { "10.96.0.53:53", "10.244.0.4", [], [], false },
        // Another port of the same address is not this frontend.
        { "10.96.0.53:5353", "10.244.0.4", ["10.244.0.5"], [], false },
        { "10.96.0.60:53", "10.244.0.4", ["10.244.0.5"], ["10.96.0.60:53"], true },
        { "10.96.0.61:53", "10.244.0.4", ["10.244.0.5"], ["10.96.0.60:53"], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_entry_goes_when_its_reply_comes_from_an_address_the_frontend_no_longer_has_or_its_frontend_is_gone(
        string to, string replyFrom, string[] endpoints, string[] gone, bool deleted)
    {
        var flow = Flow(to, replyFrom);

        var stale = StaleUdpFlows.Select([flow], Endpoints(endpoints), gone.Select(IPEndPoint.Parse).ToHashSet());

        Assert.Equal(deleted, stale.Contains(flow));
    }

    [Fact]
    public void Tcp_entries_are_never_touched()
    {
        var flow = Flow("10.96.0.53:53", "10.244.0.4", ConntrackFlow.Tcp);

        Assert.Empty(StaleUdpFlows.Select([flow], Endpoints("10.244.0.5"), new HashSet<IPEndPoint> { Dns }));
    }
}
