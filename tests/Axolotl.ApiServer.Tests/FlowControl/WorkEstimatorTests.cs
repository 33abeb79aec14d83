using Axolotl.ApiServer.FlowControl;
using Axolotl.ApiServer.FlowControl.WorkEstimation;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;
using Axolotl.Testing;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Tests.FlowControl;

/// <summary>Requests priced in seats as kube-apiserver's work estimator prices them (object-count LIST estimate).</summary>
public sealed class WorkEstimatorTests
{
    private static readonly Principal Alice = new("alice", ["system:authenticated"], null);
    private readonly FakeTimeProvider _clock = new();
    private readonly ObjectCountTracker _counts;
    private readonly WatchTracker _watches = new();
    private readonly WorkEstimator _estimator;

    public WorkEstimatorTests()
    {
        _counts = new ObjectCountTracker(_clock);
        _estimator = new WorkEstimator(_counts, _watches, new WorkEstimatorOptions());
    }

    private static IQueryCollection Query(string query) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));

    private static AuthorizationRequest List(string resource = "configmaps", string group = "", string? ns = "shop") =>
        AuthorizationRequest.ForResource(Alice, "list", group, resource, null, ns, null);

    [Theory]
    // Served from the watch cache (no resourceVersion, "0", NotOlderThan): every stored object.
    [InlineData(799, "", 8)]
    [InlineData(1000, "limit=100", 10)]
    [InlineData(700, "limit=500&resourceVersion=0", 7)]
    [InlineData(700, "resourceVersion=5&resourceVersionMatch=NotOlderThan", 7)]
    [InlineData(350, "labelSelector=app%3Dweb", 4)]
    // Read from storage (a continue token, a limit with an exact resourceVersion, Exact): twice the page.
    [InlineData(1000, "limit=100&resourceVersion=42", 2)]
    [InlineData(1000, "limit=100&continue=abc", 2)]
    [InlineData(1000, "limit=200&resourceVersion=42&resourceVersionMatch=Exact", 4)]
    [InlineData(150, "limit=500&continue=abc", 3)]
    // ... and with a selector, every stored object plus the page.
    [InlineData(300, "limit=100&continue=abc&labelSelector=app%3Dweb", 4)]
    [InlineData(1000, "limit=100&resourceVersion=42&fieldSelector=status.phase%3DRunning", 10)]
    // A field selector naming the object reads one.
    [InlineData(5000, "fieldSelector=metadata.name%3Dweb", 1)]
    [InlineData(5000, "fieldSelector=metadata.name%3D%3Dweb%2Cstatus.phase%3DRunning", 1)]
    // Never fewer than one seat, never more than ten.
    [InlineData(0, "", 1)]
    [InlineData(1_000_000, "", 10)]
    // Options that cannot be read: bound to fail validation, priced at the most.
    [InlineData(5, "limit=many", 10)]
    public void A_list_costs_a_seat_per_hundred_objects_it_reads(long stored, string query, int seats)
    {
        _counts.Set("configmaps", stored);

        Assert.Equal(new WorkEstimate(seats), _estimator.Estimate(List(), Query(query), levelMaxSeats: 0));
    }

    [Fact]
    public void The_count_is_the_whole_resources_by_its_qualified_name_and_the_level_caps_the_seats()
    {
        _counts.Set("deployments.apps", 450);

        Assert.Equal(5, _estimator.Estimate(List("deployments", "apps", ns: null), Query(""), 0).InitialSeats);
        Assert.Equal(5, _estimator.Estimate(List("deployments", "apps", ns: "other"), Query(""), 0).InitialSeats);
        Assert.Equal(4, _estimator.Estimate(List("deployments", "apps"), Query(""), levelMaxSeats: 4).InitialSeats);
        Assert.Equal(5, _estimator.Estimate(List("deployments", "apps"), Query(""), levelMaxSeats: 37).InitialSeats);
    }

    [Fact]
    public void An_uncounted_resource_costs_the_least_and_a_stale_count_the_most()
    {
        _counts.Set("configmaps", 50);

        Assert.Equal(1, _estimator.Estimate(List("widgets", "example.com"), Query(""), 0).InitialSeats);
        _clock.Advance(ObjectCountTracker.StaleAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(10, _estimator.Estimate(List(), Query(""), 0).InitialSeats);
        Assert.Equal(6, _estimator.Estimate(List(), Query(""), levelMaxSeats: 6).InitialSeats);

        _clock.Advance(ObjectCountTracker.PruneAfter);
        _counts.Prune();
        Assert.Equal(1, _estimator.Estimate(List(), Query(""), 0).InitialSeats);
    }

    [Fact]
    public void Gets_watches_and_non_resource_requests_cost_one_seat()
    {
        _counts.Set("configmaps", 100_000);

        Assert.Equal(new WorkEstimate(1), _estimator.Estimate(AuthorizationRequest.ForResource(Alice, "get", "", "configmaps", null, "shop", "a"), Query(""), 0));
        Assert.Equal(new WorkEstimate(1), _estimator.Estimate(AuthorizationRequest.ForResource(Alice, "deletecollection", "", "configmaps", null, "shop", null), Query(""), 0));
        Assert.Equal(new WorkEstimate(1), _estimator.Estimate(AuthorizationRequest.ForPath(Alice, "get", "/apis"), Query(""), 0));
    }

    [Fact]
    public void A_write_pays_for_the_watches_its_event_goes_to_after_it_ends()
    {
        var write = AuthorizationRequest.ForResource(Alice, "patch", "", "configmaps", null, "shop", "settings");
        var open = new List<IDisposable?>();
        void Watch(string? ns, string? name, int count, string? fieldSelector = null, string resource = "configmaps")
        {
            for (var i = 0; i < count; i++)
            {
                open.Add(_watches.Register(AuthorizationRequest.ForResource(Alice, "watch", "", resource, null, ns, name), fieldSelector));
            }
        }

        Watch(null, null, 4);       // every namespace
        Watch("shop", null, 4);     // this namespace
        Watch("shop", "settings", 1);
        Watch("other", null, 50);   // not interested
        Watch(null, null, 50, resource: "secrets");
        Assert.Equal(9, _watches.InterestedWatches(write));
        Assert.Equal(new WorkEstimate(1), _estimator.Estimate(write, Query(""), 0));

        Watch("shop", "settings", 1);
        Assert.Equal(new WorkEstimate(1, 1, TimeSpan.FromMilliseconds(5)), _estimator.Estimate(write, Query(""), 0));

        Watch(null, null, 240);
        // 250 watches: 25 seats for 5 ms reshaped to the 10 allowed for 12.5 ms (the level's cap, when lower, wins).
        Assert.Equal(new WorkEstimate(1, 10, TimeSpan.FromMilliseconds(12.5)), _estimator.Estimate(write, Query(""), 0));
        Assert.Equal(new WorkEstimate(1, 5, TimeSpan.FromMilliseconds(25)), _estimator.Estimate(write, Query(""), levelMaxSeats: 5));
        Assert.Equal(10, _estimator.Estimate(write, Query(""), 0).MaxSeats);

        // A token request makes no event; a read makes none either.
        Assert.Equal(new WorkEstimate(1), _estimator.Estimate(AuthorizationRequest.ForResource(Alice, "create", "", "serviceaccounts", "token", "shop", "web"), Query(""), 0));
        Assert.Equal(0, _watches.InterestedWatches(AuthorizationRequest.ForResource(Alice, "get", "", "configmaps", null, "shop", "settings")));

        open.ForEach(w => w?.Dispose());
        Assert.Equal(0, _watches.InterestedWatches(write));
    }

    [Fact]
    public void A_kubelets_pod_watch_narrowed_to_its_node_is_not_counted()
    {
        using var kubelet = _watches.Register(AuthorizationRequest.ForResource(Alice, "watch", "", "pods", null, null, null), "spec.nodeName=n1");
        using var all = _watches.Register(AuthorizationRequest.ForResource(Alice, "watch", "", "pods", null, null, null), null);

        Assert.Null(kubelet);
        Assert.Equal(1, _watches.InterestedWatches(AuthorizationRequest.ForResource(Alice, "create", "", "pods", null, "shop", null)));
    }

    [Theory]
    // The default levels at 600 seats: workload-low (245 nominal), global-default (49), leader-election (25, hand 4).
    [InlineData(245, 6, 37)]
    [InlineData(49, 6, 8)]
    [InlineData(25, 4, 4)]
    // At 60 seats workload-low has 25: a LIST may take 4 of them; a level of 2 seats, 1.
    [InlineData(25, 6, 4)]
    [InlineData(2, 6, 1)]
    public void A_level_caps_one_requests_seats_at_15_percent_of_its_nominal_limit_or_its_limit_over_its_hand(int nominal, int handSize, int maxSeats)
    {
        var queuing = new Api.FlowControl.QueuingConfiguration { Queues = 64, HandSize = handSize, QueueLengthLimit = 50 };

        Assert.Equal(maxSeats, PriorityLevelState.MaxSeatsOf(nominal, queuing));
        Assert.Equal(0, PriorityLevelState.MaxSeatsOf(nominal, null));
    }
}
