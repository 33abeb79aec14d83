using System.Net;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>UDP frontends in `--proxy-mode nftables` (ADR 0030): DNATed by the kernel, their departed endpoints' conntrack entries deleted.</summary>
public sealed class KernelTableUdpTests
{
    private static readonly IPEndPoint Frontend = IPEndPoint.Parse("10.96.0.53:53");

    private static RoutingSnapshot Names(params RouteEndpoint[] endpoints) =>
        Build(("10.96.0.53:53", Transport.Udp, FrontendKind.ClusterIP, Route("shop", "names", "dns", externalLocal: false, endpoints)));

    private sealed class RecordingConntrack : IConntrack
    {
        public List<ConntrackFlow> Flows { get; } = [];

        public int Lists { get; private set; }

        public List<ConntrackFlow> Deleted { get; } = [];

        public Task<IReadOnlyList<ConntrackFlow>> ListUdpAsync(CancellationToken ct)
        {
            Lists++;
            return Task.FromResult<IReadOnlyList<ConntrackFlow>>([.. Flows]);
        }

        public Task<int> DeleteAsync(IReadOnlyList<ConntrackFlow> flows, CancellationToken ct)
        {
            Deleted.AddRange(flows);
            Flows.RemoveAll(flows.Contains);
            return Task.FromResult(flows.Count);
        }

        // The UDP cleanup never looks a single entry up.
        public Task<ConntrackFlow?> FindByReplyAsync(byte protocol, IPEndPoint replySource, IPEndPoint replyDestination, CancellationToken ct) =>
            throw new NotSupportedException();
    }

    private static ConntrackFlow Flow(string replyFrom) => new(ConntrackFlow.Udp, IPEndPoint.Parse("10.244.0.9:40000"), Frontend, IPAddress.Parse(replyFrom));

    [Fact]
    public void A_udp_port_is_dnated_by_the_kernel_in_nftables_mode_and_left_to_the_relay_in_relay_mode()
    {
        var snapshot = Names(Ready("10.244.0.4", 5353));

        var script = StandbyTable.Script("t", snapshot, ProxyMode.Nftables);

        Assert.Contains("ip daddr . udp dport vmap @udp_frontends", script, StringComparison.Ordinal);
        Assert.Contains("map udp_frontends {\n    type ipv4_addr . inet_service : verdict\n    elements = { 10.96.0.53 . 53 : jump ep_0 }", script, StringComparison.Ordinal);
        Assert.Contains("map udp_local_frontends {\n    type ipv4_addr . inet_service : verdict\n    elements = { 10.96.0.53 . 53 : jump ep_0 }", script, StringComparison.Ordinal);
        Assert.Contains("meta l4proto udp dnat ip to numgen random mod 1 map { 0 : 10.244.0.4 . 5353 }", script, StringComparison.Ordinal);
        Assert.Contains(new Frontend(IPAddress.Parse("10.96.0.53"), 53, Transport.Udp), StandbyTable.KernelFrontends(snapshot, ProxyMode.Nftables));
        Assert.DoesNotContain("udp", StandbyTable.Script("t", snapshot), StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_dns_address_and_port_are_never_in_the_table_so_the_process_keeps_answering_there()
    {
        var gateway = IPAddress.Parse("10.244.0.1");
        var snapshot = Build(
            ("10.244.0.1:53", Transport.Udp, FrontendKind.NodePort, Route("shop", "squatter", "", externalLocal: false, Ready("10.244.0.4", 53))),
            ("10.244.0.1:53", Transport.Tcp, FrontendKind.NodePort, Route("shop", "squatter-tcp", "", externalLocal: false, Ready("10.244.0.4", 53))));
        var reserved = new HashSet<Frontend> { new(gateway, 53, Transport.Tcp), new(gateway, 53, Transport.Udp) };

        var script = StandbyTable.Script("t", snapshot, ProxyMode.Nftables, null, null, reserved);

        Assert.DoesNotContain("10.244.0.1 . 53", script, StringComparison.Ordinal);
        Assert.Empty(StandbyTable.KernelFrontends(snapshot, ProxyMode.Nftables, reserved));
        Assert.Equal(2, StandbyTable.KernelFrontends(snapshot, ProxyMode.Nftables).Count);
    }

    [Fact]
    public async Task When_an_endpoint_leaves_a_udp_service_its_conntrack_entries_are_deleted_after_the_table_changed()
    {
        var conntrack = new RecordingConntrack();
        var applied = new List<string>();
        var writer = new StandbyTableWriter("t", NullLogger.Instance, (script, _) =>
        {
            applied.Add(script);
            return Task.FromResult((0, ""));
        })
        { Mode = ProxyMode.Nftables, Conntrack = conntrack };
        // Left by the relay that served the frontend before the table did: its reply came from the frontend itself.
        conntrack.Flows.Add(new ConntrackFlow(ConntrackFlow.Udp, IPEndPoint.Parse("10.244.0.8:41000"), Frontend, Frontend.Address));

        await writer.WriteAsync(Names(Ready("10.244.0.4", 5353)), CancellationToken.None);
        Assert.Equal(Frontend.Address, Assert.Single(conntrack.Deleted).ReplySource);
        conntrack.Flows.Add(Flow("10.244.0.4"));
        await writer.WriteAsync(Names(Ready("10.244.0.4", 5353)), CancellationToken.None);
        Assert.Equal(1, conntrack.Lists);

        await writer.WriteAsync(Names(Ready("10.244.0.5", 5353)), CancellationToken.None);

        Assert.Equal(2, conntrack.Lists);
        Assert.Equal(Flow("10.244.0.4"), conntrack.Deleted[1]);
        Assert.Equal(2, writer.DeletedUdpFlows);
        Assert.Equal(2, applied.Count);
    }

    [Fact]
    public async Task A_readiness_hint_on_a_udp_endpoint_deletes_its_entries_and_a_service_that_goes_takes_its_entries_along()
    {
        var conntrack = new RecordingConntrack();
        var board = new LocalPodReadiness();
        var writer = new StandbyTableWriter("t", NullLogger.Instance, (_, _) => Task.FromResult((0, "")))
        {
            Mode = ProxyMode.Nftables,
            Conntrack = conntrack,
            LocalReadiness = board,
        };
        var two = Names(Ready("10.244.0.4", 5353), Ready("10.244.0.5", 5353));
        await writer.WriteAsync(two, CancellationToken.None);
        conntrack.Flows.AddRange([Flow("10.244.0.4"), Flow("10.244.0.5")]);

        board.Report("uid-4", IPAddress.Parse("10.244.0.4"), ready: false);
        await writer.WriteAsync(two, CancellationToken.None);
        Assert.Equal([Flow("10.244.0.4")], conntrack.Deleted);
        Assert.Equal(1, writer.IncrementalWrites);

        await writer.WriteAsync(Build(), CancellationToken.None);
        Assert.Equal([Flow("10.244.0.4"), Flow("10.244.0.5")], conntrack.Deleted);
    }

    [Fact]
    public async Task A_node_without_udp_services_never_lists_the_conntrack_table()
    {
        var conntrack = new RecordingConntrack();
        var writer = new StandbyTableWriter("t", NullLogger.Instance, (_, _) => Task.FromResult((0, ""))) { Mode = ProxyMode.Nftables, Conntrack = conntrack };

        await writer.WriteAsync(Build(("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.244.0.3", 8080)))),
            CancellationToken.None);

        Assert.Equal(0, conntrack.Lists);
    }

    private sealed class BrokenConntrack : IConntrack
    {
        public Task<IReadOnlyList<ConntrackFlow>> ListUdpAsync(CancellationToken ct) =>
            throw new System.ComponentModel.Win32Exception(93, "Protocol not supported");

        public Task<int> DeleteAsync(IReadOnlyList<ConntrackFlow> flows, CancellationToken ct) => Task.FromResult(0);

        public Task<ConntrackFlow?> FindByReplyAsync(byte protocol, IPEndPoint replySource, IPEndPoint replyDestination, CancellationToken ct) =>
            throw new NotSupportedException();
    }

    [Fact]
    public async Task When_ctnetlink_fails_udp_goes_back_to_the_relay_at_once_and_tcp_stays_in_the_kernel()
    {
        var applied = new List<string>();
        using var logs = new Axolotl.Testing.CapturingLoggerProvider();
        var writer = new StandbyTableWriter("t", logs.CreateLogger("proxy"), (script, _) =>
        {
            applied.Add(script);
            return Task.FromResult((0, ""));
        })
        { Mode = ProxyMode.Nftables, Conntrack = new BrokenConntrack() };
        var snapshot = Build(
            ("10.96.0.53:53", Transport.Udp, FrontendKind.ClusterIP, Route("shop", "names", "dns", externalLocal: false, Ready("10.244.0.4", 5353))),
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.244.0.3", 8080))));

        Assert.True(await writer.WriteAsync(snapshot, CancellationToken.None));

        Assert.Equal(2, applied.Count);
        Assert.Contains("10.96.0.53 . 53", applied[0], StringComparison.Ordinal);
        Assert.Contains("delete element ip t udp_frontends { 10.96.0.53 . 53 }", applied[1], StringComparison.Ordinal);
        Assert.DoesNotContain("10.96.0.53 . 53", writer.Installed, StringComparison.Ordinal);
        Assert.False(writer.UdpInKernel);
        Assert.Equal([new Frontend(IPAddress.Parse("10.96.0.20"), 80)], writer.KernelFrontends);
        Assert.Contains(logs.Entries, e => e.Message.Contains("UDP Services go back to the relay", StringComparison.Ordinal));
    }
}
