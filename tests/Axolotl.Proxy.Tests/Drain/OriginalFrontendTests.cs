using System.Net;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Drain;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Drain;

/// <summary>Where a connection drained from a dead pod may go: only to the kernel frontend its conntrack entry names (ADR 0030).</summary>
public sealed class OriginalFrontendTests
{
    private static readonly IPEndPoint Dead = IPEndPoint.Parse("10.244.0.4:8080");

    private static readonly RoutingSnapshot Snapshot = Build(
        ("10.96.0.10:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "http", false, Ready("10.244.0.4", 8080), Ready("10.244.0.5", 8080))),
        ("10.96.0.11:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "other", "http", false, Ready("10.244.0.6", 8080))));

    public static TheoryData<string, string, byte, string?> Cases => new()
    {
        // original destination, reply source, protocol, frontend (null: reset)
        { "10.96.0.10:80", "10.244.0.4", ConntrackFlow.Tcp, "10.96.0.10:80" },
        // The client dialled the pod itself: no Service was reached.
        { "10.244.0.4:8080", "10.244.0.4", ConntrackFlow.Tcp, null },
        // A frontend whose Service port does not list the dead endpoint: the entry is not this connection's.
        { "10.96.0.11:80", "10.244.0.4", ConntrackFlow.Tcp, null },
        // An entry whose reply came from elsewhere, or another protocol's.
        { "10.96.0.10:80", "10.244.0.5", ConntrackFlow.Tcp, null },
        { "10.96.0.10:80", "10.244.0.4", ConntrackFlow.Udp, null },
        // A frontend gone from the snapshot.
        { "10.96.0.12:80", "10.244.0.4", ConntrackFlow.Tcp, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_drained_connection_goes_only_to_the_kernel_frontend_its_client_reached(string to, string replyFrom, byte protocol, string? expected)
    {
        var flow = new ConntrackFlow(protocol, IPEndPoint.Parse("10.244.1.9:40000"), IPEndPoint.Parse(to), IPAddress.Parse(replyFrom));
        var frontend = OriginalFrontend.Resolve(Snapshot, StandbyTable.KernelFrontends(Snapshot, ProxyMode.Nftables), flow, Dead);
        Assert.Equal(expected, frontend?.ToString());
    }

    [Fact]
    public void Nothing_is_resolved_without_an_entry_or_in_relay_mode()
    {
        var flow = new ConntrackFlow(ConntrackFlow.Tcp, IPEndPoint.Parse("10.244.1.9:40000"), IPEndPoint.Parse("10.96.0.10:80"), IPAddress.Parse("10.244.0.4"));
        Assert.Null(OriginalFrontend.Resolve(Snapshot, StandbyTable.KernelFrontends(Snapshot, ProxyMode.Nftables), null, Dead));
        Assert.Null(OriginalFrontend.Resolve(Snapshot, StandbyTable.KernelFrontends(Snapshot, ProxyMode.Relay), flow, Dead));
    }
}
