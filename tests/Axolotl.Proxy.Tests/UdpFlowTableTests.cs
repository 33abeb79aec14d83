using System.Net;
using Axolotl.Proxy.Forwarding.Udp;
using Axolotl.Proxy.Routing;
using Axolotl.Testing;

namespace Axolotl.Proxy.Tests;

public sealed class UdpFlowTableTests
{
    private static readonly ServicePortName Dns = new("default", "dns", "dns");
    private static readonly Frontend ClusterIp = new(IPAddress.Parse("10.96.0.10"), 53, Transport.Udp);
    private static readonly RouteEndpoint A = Endpoint(2);
    private static readonly RouteEndpoint B = Endpoint(3);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_flow_without_replies_idles_out_after_30_seconds_and_is_handed_back_for_closing()
    {
        var table = new UdpFlowTable(new UdpFlowOptions(), _time);
        var flow = Flow(Client(1, 40000), A);
        Assert.True(table.TryAdd(flow, out _));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(flow, table.Find(ClusterIp, flow.Client, out var expired));
        Assert.Null(expired);
        table.SawRequest(flow);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(table.Expire());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([flow], table.Expire());
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void A_flow_with_traffic_after_its_first_reply_becomes_a_stream_and_lives_120_seconds_idle()
    {
        var table = new UdpFlowTable(new UdpFlowOptions(), _time);
        var flow = Flow(Client(1, 40000), A);
        table.TryAdd(flow, out _);
        table.SawRequest(flow);
        table.SawReply(flow);
        // One exchange only: still the short timeout.
        Assert.False(flow.Stream);
        _time.Advance(TimeSpan.FromSeconds(3));
        table.SawRequest(flow);
        Assert.True(flow.Stream);

        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.Same(flow, table.Find(ClusterIp, flow.Client, out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(table.Find(ClusterIp, flow.Client, out var expired));
        Assert.Same(flow, expired);
    }

    [Fact]
    public void One_client_cycling_source_ports_evicts_only_its_own_least_recently_used_flows()
    {
        var table = new UdpFlowTable(new UdpFlowOptions(MaxFlows: 100, MaxFlowsPerClient: 3), _time);
        var neighbour = Flow(Client(9, 5000), B);
        table.TryAdd(neighbour, out _);
        var own = new List<UdpFlow>();
        for (var port = 1; port <= 3; port++)
        {
            own.Add(Flow(Client(1, port), A));
            Assert.True(table.TryAdd(own[^1], out var none));
            Assert.Empty(none);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        table.SawRequest(own[0]);

        Assert.True(table.TryAdd(Flow(Client(1, 4), A), out var evicted));

        Assert.Equal([own[1]], evicted);
        Assert.Equal(4, table.Count);
        Assert.NotNull(table.Find(ClusterIp, neighbour.Client, out _));
        Assert.NotNull(table.Find(ClusterIp, own[0].Client, out _));
    }

    [Fact]
    public void A_full_table_refuses_new_flows_until_idle_ones_expire()
    {
        var table = new UdpFlowTable(new UdpFlowOptions(MaxFlows: 2, MaxFlowsPerClient: 2), _time);
        Assert.True(table.TryAdd(Flow(Client(1, 1), A), out _));
        Assert.True(table.TryAdd(Flow(Client(2, 1), A), out _));

        Assert.False(table.TryAdd(Flow(Client(3, 1), A), out var evicted));
        Assert.Empty(evicted);
        Assert.Equal(2, table.Count);

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(table.TryAdd(Flow(Client(3, 1), A), out evicted));
        Assert.Equal(2, evicted.Count);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Flows_to_an_endpoint_that_left_the_service_are_removed_and_the_others_stay()
    {
        var table = new UdpFlowTable(new UdpFlowOptions(), _time);
        var toA = Flow(Client(1, 1), A);
        var toB = Flow(Client(2, 1), B);
        table.TryAdd(toA, out _);
        table.TryAdd(toB, out _);

        Assert.Empty(table.RemoveStale(Snapshot(A, B)));
        Assert.Equal([toB], table.RemoveStale(Snapshot(A, B with { Ready = false, Serving = false })));
        Assert.Same(toA, table.Find(ClusterIp, toA.Client, out _));

        Assert.Equal([toA], table.RemoveStale(RoutingSnapshot.Empty));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Closing_a_frontend_removes_its_flows_only()
    {
        var table = new UdpFlowTable(new UdpFlowOptions(), _time);
        var nodePort = new Frontend(IPAddress.Loopback, 30053, Transport.Udp);
        var onClusterIp = Flow(Client(1, 1), A);
        var onNodePort = new UdpFlow(nodePort, Client(1, 1), Dns, A, null, _time.GetTimestamp());
        table.TryAdd(onClusterIp, out _);
        table.TryAdd(onNodePort, out _);

        Assert.Equal([onNodePort], table.RemoveFrontend(nodePort));
        Assert.True(table.Remove(onClusterIp));
        Assert.False(table.Remove(onClusterIp));
    }

    private UdpFlow Flow(IPEndPoint client, RouteEndpoint endpoint) => new(ClusterIp, client, Dns, endpoint, null, _time.GetTimestamp());

    private static RoutingSnapshot Snapshot(params RouteEndpoint[] endpoints) =>
        new(new Dictionary<ServicePortName, ServiceRoute> { [Dns] = new ServiceRoute(Dns, endpoints, "node-1", false, false) },
            new Dictionary<Frontend, FrontendTarget> { [ClusterIp] = new FrontendTarget(Dns, FrontendKind.ClusterIP) },
            new HashSet<IPAddress>(), []);

    private static IPEndPoint Client(int last, int port) => new(IPAddress.Parse($"10.244.0.{100 + last}"), port);

    private static RouteEndpoint Endpoint(int last) =>
        new(new IPEndPoint(IPAddress.Parse($"10.244.0.{last}"), 5353), true, true, false, "node-1", null);
}
