using System.Net;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Routing;
using Axolotl.Testing;

namespace Axolotl.Proxy.Tests;

public sealed class EndpointPickerTests
{
    private static readonly ServicePortName Web = new("default", "web", "");
    private static readonly RouteEndpoint A = Endpoint(2);
    private static readonly RouteEndpoint B = Endpoint(3);
    private static readonly RouteEndpoint C = Endpoint(4);

    [Fact]
    public void Round_robin_cycles_through_the_candidates_per_service()
    {
        var picker = new EndpointPicker(BalancingMode.RoundRobin, new FakeTimeProvider());

        var picks = Enumerable.Range(0, 6).Select(_ => picker.Pick(Web, [A, B, C])).ToList();

        Assert.Equal(2, picks.Count(p => p == A));
        Assert.Equal(2, picks.Count(p => p == B));
        Assert.Equal(2, picks.Count(p => p == C));
        Assert.NotEqual(picks[0], picks[1]);
    }

    [Fact]
    public void Least_connections_prefers_the_endpoint_with_fewest_open_connections()
    {
        var picker = new EndpointPicker(BalancingMode.LeastConnections, new FakeTimeProvider());
        picker.Opened(A.EndPoint);
        picker.Opened(A.EndPoint);
        picker.Opened(B.EndPoint);

        Assert.Equal(C, picker.Pick(Web, [A, B, C]));
        picker.Opened(C.EndPoint);
        picker.Opened(C.EndPoint);
        Assert.Equal(B, picker.Pick(Web, [A, B, C]));
        picker.Closed(A.EndPoint);
        picker.Closed(A.EndPoint);
        Assert.Equal(A, picker.Pick(Web, [A, B, C]));
    }

    [Fact]
    public void Excluded_endpoints_are_skipped_and_none_left_gives_null()
    {
        var picker = new EndpointPicker(BalancingMode.RoundRobin, new FakeTimeProvider());

        Assert.Equal(B, picker.Pick(Web, [A, B], new HashSet<IPEndPoint> { A.EndPoint }));
        Assert.Null(picker.Pick(Web, [A, B], new HashSet<IPEndPoint> { A.EndPoint, B.EndPoint }));
        Assert.Null(picker.Pick(Web, []));
    }

    [Fact]
    public void An_endpoint_that_refused_is_avoided_for_the_quarantine_unless_it_is_the_only_one()
    {
        var time = new FakeTimeProvider();
        var picker = new EndpointPicker(BalancingMode.RoundRobin, time) { Quarantine = TimeSpan.FromSeconds(1) };
        picker.Failed(A.EndPoint);

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(B, picker.Pick(Web, [A, B])));
        Assert.Equal(A, picker.Pick(Web, [A]));

        time.Advance(TimeSpan.FromSeconds(1.5));
        var picks = Enumerable.Range(0, 4).Select(_ => picker.Pick(Web, [A, B])).ToList();
        Assert.Contains(A, picks);
    }

    [Fact]
    public void A_successful_connection_lifts_the_quarantine()
    {
        var picker = new EndpointPicker(BalancingMode.RoundRobin, new FakeTimeProvider());
        picker.Failed(A.EndPoint);
        picker.Opened(A.EndPoint);

        Assert.Contains(A, Enumerable.Range(0, 4).Select(_ => picker.Pick(Web, [A, B])));
    }

    private static RouteEndpoint Endpoint(int last) =>
        new(new IPEndPoint(IPAddress.Parse($"10.244.0.{last}"), 8080), true, true, false, "node-1", null);
}
