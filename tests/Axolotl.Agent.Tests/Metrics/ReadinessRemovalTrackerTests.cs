using System.Net;
using Axolotl.Agent.Metrics;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Metrics;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Metrics;

/// <summary>Readiness failure → endpoint removed, timed on this node's clock (ADR 0017), once per failure.</summary>
public sealed class ReadinessRemovalTrackerTests : IDisposable
{
    private static readonly IPAddress Ip = IPAddress.Parse("10.244.0.7");
    private readonly FakeTimeProvider _time = new();
    private readonly HealingMetrics _healing = new("node-a");
    private readonly MetricsRegistry _registry;
    private readonly ReadinessRemovalTracker _tracker;
    private readonly ReadinessReports _reports;

    public ReadinessRemovalTrackerTests()
    {
        _registry = MetricsRegistry.ForMeter(_healing.Meter);
        _tracker = new ReadinessRemovalTracker(_healing, _time);
        _reports = new ReadinessReports(NoReadinessObserver.Instance) { Removals = _tracker };
    }

    private static EndpointSlice Slice(string name, params (string Uid, string Ip, bool? Ready)[] endpoints) => new()
    {
        Metadata = new() { Name = name, Namespace = "default" },
        AddressType = "IPv4",
        Endpoints = [.. endpoints.Select(e => new Endpoint
        {
            Addresses = [e.Ip],
            Conditions = new EndpointConditions { Ready = e.Ready },
            TargetRef = new ObjectReference { Kind = "Pod", Name = "web", Namespace = "default", Uid = e.Uid },
        })],
    };

    private async Task<(long Count, string Text)> RemovalsAsync()
    {
        var text = await _registry.ScrapeAsync(CancellationToken.None);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("axolotl_readiness_endpoint_removal_seconds_count{node=\"node-a\"} ", StringComparison.Ordinal));
        return (line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public async Task A_failure_then_the_slice_marking_the_endpoint_not_ready_is_one_observation_of_the_time_between()
    {
        _reports.Tell("uid-1", Ip.ToString(), ready: true);
        _reports.Tell("uid-1", Ip.ToString(), ready: false);
        _time.Advance(TimeSpan.FromMilliseconds(7));

        _tracker.SliceChanged(Slice("web-a", ("uid-1", "10.244.0.7", true)), Slice("web-a", ("uid-1", "10.244.0.7", false)));
        // The same pod in a second Service's slice: the failure was already observed.
        _tracker.SliceChanged(Slice("api-b", ("uid-1", "10.244.0.7", null)), Slice("api-b"));

        var (count, text) = await RemovalsAsync();
        Assert.Equal(1, count);
        Assert.Contains("axolotl_readiness_endpoint_removal_seconds_bucket{node=\"node-a\",le=\"0.005\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("axolotl_readiness_endpoint_removal_seconds_bucket{node=\"node-a\",le=\"0.01\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(0, _tracker.Pending);
    }

    [Fact]
    public async Task An_endpoint_dropped_from_the_slice_is_a_removal_matched_by_address_when_it_has_no_target()
    {
        _reports.Tell("uid-1", Ip.ToString(), ready: true);
        _reports.Tell("uid-1", Ip.ToString(), ready: false);
        var before = Slice("web-a", ("", "10.244.0.7", true), ("", "10.244.0.8", true));

        _tracker.SliceChanged(before, Slice("web-a", ("", "10.244.0.8", true)));

        Assert.Equal(1, (await RemovalsAsync()).Count);
    }

    [Fact]
    public async Task Nothing_is_observed_for_a_pod_ready_again_before_the_removal_a_deletion_or_a_pod_that_was_never_ready()
    {
        _reports.Tell("uid-1", Ip.ToString(), ready: true);
        _reports.Tell("uid-1", Ip.ToString(), ready: false);
        _reports.Tell("uid-1", Ip.ToString(), ready: true);
        _reports.Tell("uid-2", "10.244.0.9", ready: true);
        _reports.Tell("uid-2", "10.244.0.9", ready: false, failure: false);
        _reports.Tell("uid-3", "10.244.0.10", ready: false);

        _tracker.SliceChanged(
            Slice("web-a", ("uid-1", "10.244.0.7", true), ("uid-2", "10.244.0.9", true), ("uid-3", "10.244.0.10", true)),
            Slice("web-a", ("uid-1", "10.244.0.7", false), ("uid-2", "10.244.0.9", false), ("uid-3", "10.244.0.10", false)));

        Assert.Equal(0, (await RemovalsAsync()).Count);
        Assert.Equal(0, _tracker.Pending);
    }

    [Fact]
    public async Task A_new_slice_removes_nothing_and_a_pod_gone_from_the_node_is_forgotten()
    {
        _reports.Tell("uid-1", Ip.ToString(), ready: true);
        _reports.Tell("uid-1", Ip.ToString(), ready: false);

        _tracker.SliceChanged(null, Slice("web-a", ("uid-1", "10.244.0.7", false)));
        Assert.Equal(1, _tracker.Pending);
        _reports.Forget("uid-1");

        Assert.Equal(0, _tracker.Pending);
        Assert.Equal(0, (await RemovalsAsync()).Count);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _healing.Dispose();
    }
}
