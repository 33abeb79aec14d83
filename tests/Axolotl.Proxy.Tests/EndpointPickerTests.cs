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

    [Fact]
    public void An_endpoint_the_local_agent_knows_to_be_not_ready_is_never_picked_until_it_is_ready_again()
    {
        var local = new LocalPodReadiness();
        var picker = new EndpointPicker(BalancingMode.RoundRobin, new FakeTimeProvider()) { LocalReadiness = local };
        local.Report("uid-a", A.EndPoint.Address, ready: false);

        Assert.All(Enumerable.Range(0, 6), _ => Assert.NotEqual(A, picker.Pick(Web, [A, B, C])));
        Assert.Null(picker.Pick(Web, [A]));

        local.Report("uid-a", A.EndPoint.Address, ready: true);
        Assert.Contains(A, Enumerable.Range(0, 6).Select(_ => picker.Pick(Web, [A, B, C])));
    }

    [Fact]
    public void Least_connections_also_skips_endpoints_known_not_ready()
    {
        var local = new LocalPodReadiness();
        var picker = new EndpointPicker(BalancingMode.LeastConnections, new FakeTimeProvider()) { LocalReadiness = local };
        picker.Opened(B.EndPoint);
        local.Report("uid-a", A.EndPoint.Address, ready: false);

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(C, picker.Pick(Web, [A, B, C])));
    }

    [Fact]
    public void A_pod_gone_or_a_newer_pod_on_its_address_replaces_what_was_known()
    {
        var local = new LocalPodReadiness();
        var address = A.EndPoint.Address;
        local.Report("old", address, ready: false);
        local.Report("new", address, ready: false);
        local.Forget("old");
        Assert.True(local.IsKnownNotReady(address));

        local.Report("new", address, ready: true);
        Assert.False(local.IsKnownNotReady(address));

        local.Report("moved", address, ready: false);
        local.Report("moved", B.EndPoint.Address, ready: false);
        Assert.False(local.IsKnownNotReady(address));
        local.Forget("moved");
        Assert.False(local.IsKnownNotReady(B.EndPoint.Address));
        Assert.Equal(0, local.NotReadyCount);
    }

    [Fact]
    public void Round_robin_over_a_subset_still_spreads_evenly()
    {
        var time = new FakeTimeProvider();
        var picker = new EndpointPicker(BalancingMode.RoundRobin, time) { Quarantine = TimeSpan.FromSeconds(1) };
        var d = Endpoint(5);
        picker.Failed(B.EndPoint);

        var picks = Enumerable.Range(0, 9).Select(_ => picker.Pick(Web, [A, B, C, d], new HashSet<IPEndPoint> { C.EndPoint })).ToList();

        Assert.Equal(9, picks.Count(p => p == A) + picks.Count(p => p == d));
        Assert.InRange(picks.Count(p => p == A), 4, 5);
    }

    private static RouteEndpoint Endpoint(int last) =>
        new(new IPEndPoint(IPAddress.Parse($"10.244.0.{last}"), 8080), true, true, false, "node-1", null);
}
