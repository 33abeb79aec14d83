using System.Net;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Routing;
using Axolotl.Testing;

namespace Axolotl.Proxy.Tests;

public sealed class ClientAffinityTests
{
    private static readonly ServicePortName Web = new("default", "web", "");
    private static readonly RouteEndpoint A = Endpoint(2);
    private static readonly RouteEndpoint B = Endpoint(3);
    private static readonly RouteEndpoint C = Endpoint(4);
    private static readonly IPAddress Client = IPAddress.Parse("10.244.0.50");

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_client_stays_on_its_endpoint_while_others_spread_without_affinity()
    {
        var picker = new EndpointPicker(BalancingMode.RoundRobin, _time);
        var sticky = Route(TimeSpan.FromSeconds(60));
        var first = picker.PickFor(sticky, [A, B, C], Client);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Same(first, picker.PickFor(sticky, [A, B, C], Client)));

        var plain = Route(null);
        Assert.Equal(3, Enumerable.Range(0, 6).Select(_ => picker.PickFor(plain, [A, B, C], Client)).Distinct().Count());
    }

    [Fact]
    public void The_timeout_runs_from_the_last_new_connection()
    {
        var picker = new EndpointPicker(BalancingMode.RoundRobin, _time);
        var route = Route(TimeSpan.FromSeconds(10));
        var first = picker.PickFor(route, [A, B], Client)!;
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Same(first, picker.PickFor(route, [A, B], Client));
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(first.EndPoint, picker.Affinity.Lookup(Web, Client, TimeSpan.FromSeconds(10)));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(picker.Affinity.Lookup(Web, Client, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_client_whose_endpoint_is_gone_or_refused_moves_to_another_and_stays_there()
    {
        var picker = new EndpointPicker(BalancingMode.RoundRobin, _time);
        var route = Route(TimeSpan.FromSeconds(60));
        var first = picker.PickFor(route, [A, B, C], Client)!;
        var rest = new[] { A, B, C }.Where(e => e != first).ToArray();

        var second = picker.PickFor(route, rest, Client)!;
        Assert.NotSame(first, second);
        // Back in the list, the first endpoint does not take the client back: the new choice is remembered.
        Assert.Same(second, picker.PickFor(route, [A, B, C], Client));

        var third = picker.PickFor(route, [A, B, C], Client, exclude: new HashSet<IPEndPoint> { second.EndPoint })!;
        Assert.NotSame(second, third);
        Assert.Same(third, picker.PickFor(route, [A, B, C], Client));
    }

    [Fact]
    public void Affinity_is_forgotten_when_the_service_drops_it_and_the_table_is_bounded()
    {
        var picker = new EndpointPicker(BalancingMode.RoundRobin, _time) { Affinity = new ClientAffinity(_time, capacity: 2) };
        var route = Route(TimeSpan.FromSeconds(60));
        picker.PickFor(route, [A, B], IPAddress.Parse("10.244.0.51"));
        picker.PickFor(route, [A, B], IPAddress.Parse("10.244.0.52"));
        Assert.NotNull(picker.PickFor(route, [A, B], IPAddress.Parse("10.244.0.53")));
        Assert.Equal(2, picker.Affinity.Count);

        _time.Advance(TimeSpan.FromSeconds(61));
        picker.PickFor(route, [A, B], IPAddress.Parse("10.244.0.53"));
        Assert.Equal(1, picker.Affinity.Count);

        var withoutAffinity = new RoutingSnapshot(new Dictionary<ServicePortName, ServiceRoute> { [Web] = Route(null) },
            new Dictionary<Frontend, FrontendTarget>(), new HashSet<IPAddress>(), []);
        picker.Prune(withoutAffinity);
        Assert.Equal(0, picker.Affinity.Count);
    }

    private static ServiceRoute Route(TimeSpan? affinity) => new(Web, [A, B, C], "node-1", false, false, affinityTimeout: affinity);

    private static RouteEndpoint Endpoint(int last) =>
        new(new IPEndPoint(IPAddress.Parse($"10.244.0.{last}"), 8080), true, true, false, "node-1", null);
}
