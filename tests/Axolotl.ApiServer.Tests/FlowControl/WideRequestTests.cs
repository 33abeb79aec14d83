using Axolotl.Api.FlowControl;
using Axolotl.ApiServer.FlowControl;
using Axolotl.ApiServer.FlowControl.WorkEstimation;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;
using Axolotl.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.FlowControl;

/// <summary>
/// The flow control filter takes the seats the work estimator prices a request at, holds them while the request runs
/// (and, for a write many watch, a few milliseconds after it answered), and gives them all back.
/// </summary>
public sealed class WideRequestTests
{
    private static readonly Principal Alice = new("alice", ["system:authenticated"], null);
    private readonly FakeTimeProvider _clock = new();
    private readonly FlowControlConfigCache _cache;
    private readonly ObjectCountTracker _counts;
    private readonly WatchTracker _watches = new();
    private readonly FlowControlFilter _filter;

    public WideRequestTests()
    {
        // kube-apiserver's 600 seats: alice's requests go to global-default, 49 seats nominal, at most 8 for one request.
        _cache = new FlowControlConfigCache(null!, 600, _clock, NullLogger<FlowControlConfigCache>.Instance);
        _cache.Load(FlowControlBootstrap.MandatoryFlowSchemas.Concat(FlowControlBootstrap.SuggestedFlowSchemas),
            FlowControlBootstrap.MandatoryPriorityLevels.Concat(FlowControlBootstrap.SuggestedPriorityLevels));
        _counts = new ObjectCountTracker(_clock);
        _filter = new FlowControlFilter(_cache, new FlowControlMetrics(_cache), new WorkEstimator(_counts, _watches, new WorkEstimatorOptions()), _clock);
    }

    private QueueSet GlobalDefault => _cache.Current.Levels["global-default"].Queues!;

    private static DefaultHttpContext Context(string query = "")
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.QueryString = new QueryString(query);
        return ctx;
    }

    [Fact]
    public async Task A_list_of_many_objects_holds_the_levels_most_seats_while_it_runs()
    {
        _counts.Set("configmaps", 5000);
        var release = new TaskCompletionSource();
        var list = AuthorizationRequest.ForResource(Alice, "list", "", "configmaps", null, "shop", null);

        var listing = _filter.ServeAsync(Context(), list, () => release.Task);
        var paged = _filter.ServeAsync(Context("?limit=100&continue=abc"), list, () => release.Task);
        var named = _filter.ServeAsync(Context("?fieldSelector=metadata.name%3Dweb"), list, () => release.Task);

        Assert.Equal(8, _cache.Current.Levels["global-default"].MaxSeats);
        Assert.Equal((3, 8 + 2 + 1), (GlobalDefault.Executing, GlobalDefault.SeatsInUse));
        release.SetResult();
        await Task.WhenAll(listing, paged, named);
        Assert.Equal((0, 0), (GlobalDefault.Executing, GlobalDefault.SeatsInUse));
    }

    [Fact]
    public async Task A_write_many_watch_keeps_its_seats_for_the_fan_out_after_it_answered()
    {
        var watchers = Enumerable.Range(0, 30).Select(_ => _watches.Register(AuthorizationRequest.ForResource(Alice, "watch", "", "configmaps", null, null, null), null)).ToList();
        var patch = AuthorizationRequest.ForResource(Alice, "patch", "", "configmaps", null, "shop", "settings");

        await _filter.ServeAsync(Context(), patch, () => Task.CompletedTask);

        Assert.Equal((1, 3), (GlobalDefault.Executing, GlobalDefault.SeatsInUse));
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.TrueAsync(() => GlobalDefault.SeatsInUse == 0, "the write's seats are given back 5 ms after it answered");
        Assert.Equal(0, GlobalDefault.Executing);
        watchers.ForEach(w => w?.Dispose());
    }

    [Fact]
    public async Task Watches_served_through_the_filter_are_counted_while_open()
    {
        var end = new TaskCompletionSource();
        var watch = AuthorizationRequest.ForResource(Alice, "watch", "", "configmaps", null, "shop", null);
        var patch = AuthorizationRequest.ForResource(Alice, "patch", "", "configmaps", null, "shop", "settings");

        var watching = _filter.ServeAsync(Context("?watch=true"), watch, () => end.Task);

        Assert.Equal(1, _watches.InterestedWatches(patch));
        end.SetResult();
        await watching;
        Assert.Equal(0, _watches.InterestedWatches(patch));
    }
}
