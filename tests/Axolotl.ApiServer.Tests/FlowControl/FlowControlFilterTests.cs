using Axolotl.Api.FlowControl;
using Axolotl.ApiServer.FlowControl;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;
using Axolotl.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.FlowControl;

public sealed class FlowControlFilterTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly FlowControlConfigCache _cache;
    private readonly FlowControlFilter _filter;

    public FlowControlFilterTests()
    {
        // 3 seats in all: catch-all (5 of 5 + 0 shares) gets all 3 and rejects beyond them.
        _cache = new FlowControlConfigCache(null!, 3, _clock, NullLogger<FlowControlConfigCache>.Instance);
        var schemas = FlowControlBootstrap.MandatoryFlowSchemas.Select(s => { s.Metadata.Uid = $"uid-{s.Metadata.Name}"; return s; });
        var levels = FlowControlBootstrap.MandatoryPriorityLevels.Select(l => { l.Metadata.Uid = $"uid-{l.Metadata.Name}"; return l; });
        _cache.Load(schemas, levels);
        _filter = new FlowControlFilter(_cache, new FlowControlMetrics(_cache),
            new Axolotl.ApiServer.FlowControl.WorkEstimation.WorkEstimator(new Axolotl.ApiServer.FlowControl.WorkEstimation.ObjectCountTracker(_clock), new Axolotl.ApiServer.FlowControl.WorkEstimation.WatchTracker(), new()), _clock);
    }

    private static AuthorizationRequest Get(Principal user) => AuthorizationRequest.ForResource(user, "get", "", "pods", null, "shop", "web");

    [Fact]
    public async Task Requests_beyond_a_reject_levels_seats_get_429_with_retry_after_and_upstreams_text()
    {
        var alice = new Principal("alice", ["system:authenticated"], null);
        var release = new TaskCompletionSource();
        var holding = Enumerable.Range(0, 3).Select(_ => _filter.ServeAsync(new DefaultHttpContext(), Get(alice), () => release.Task)).ToList();
        var ctx = new DefaultHttpContext();
        ctx.Response.Body = new MemoryStream();
        var ran = false;

        await _filter.ServeAsync(ctx, Get(alice), () => { ran = true; return Task.CompletedTask; });

        Assert.False(ran);
        Assert.Equal(429, ctx.Response.StatusCode);
        Assert.Equal("1", ctx.Response.Headers.RetryAfter.ToString());
        Assert.Equal("text/plain; charset=utf-8", ctx.Response.ContentType);
        Assert.Equal("Too many requests, please try again later.\n", System.Text.Encoding.UTF8.GetString(((MemoryStream)ctx.Response.Body).ToArray()));
        Assert.Equal("uid-catch-all", ctx.Response.Headers[FlowControlFilter.FlowSchemaUidHeader].ToString());
        Assert.Equal("uid-catch-all", ctx.Response.Headers[FlowControlFilter.PriorityLevelUidHeader].ToString());
        release.SetResult();
        await Task.WhenAll(holding);
    }

    [Fact]
    public async Task Masters_are_exempt_and_long_running_requests_are_not_limited()
    {
        var release = new TaskCompletionSource();
        var alice = new Principal("alice", ["system:authenticated"], null);
        var holding = Enumerable.Range(0, 3).Select(_ => _filter.ServeAsync(new DefaultHttpContext(), Get(alice), () => release.Task)).ToList();
        var runs = 0;
        var admin = new DefaultHttpContext();

        await _filter.ServeAsync(admin, Get(Principal.Admin), () => { runs++; return Task.CompletedTask; });
        await _filter.ServeAsync(new DefaultHttpContext(), AuthorizationRequest.ForResource(alice, "watch", "", "pods", null, "shop", null), () => { runs++; return Task.CompletedTask; });
        await _filter.ServeAsync(new DefaultHttpContext(), AuthorizationRequest.ForResource(alice, "create", "", "pods", "exec", "shop", "web"), () => { runs++; return Task.CompletedTask; });

        Assert.Equal(3, runs);
        Assert.Equal("uid-exempt", admin.Response.Headers[FlowControlFilter.PriorityLevelUidHeader].ToString());
        release.SetResult();
        await Task.WhenAll(holding);
    }

    [Fact]
    public async Task The_legacy_limits_count_read_only_and_mutating_requests_apart_and_never_refuse_masters()
    {
        var limiter = new MaxInFlightLimiter(1, 1);
        var alice = new Principal("alice", ["system:authenticated"], null);
        var release = new TaskCompletionSource();
        var reading = limiter.ServeAsync(new DefaultHttpContext(), Get(alice), () => release.Task);
        var writing = limiter.ServeAsync(new DefaultHttpContext(), AuthorizationRequest.ForResource(alice, "create", "", "pods", null, "shop", null), () => release.Task);
        var refused = new DefaultHttpContext();
        var admin = new DefaultHttpContext();

        await limiter.ServeAsync(refused, Get(alice), () => Task.CompletedTask);
        await limiter.ServeAsync(admin, Get(Principal.Admin), () => Task.CompletedTask);

        Assert.False(reading.IsCompleted || writing.IsCompleted);
        Assert.Equal(429, refused.Response.StatusCode);
        Assert.Equal(200, admin.Response.StatusCode);
        release.SetResult();
        await Task.WhenAll(reading, writing);
    }
}
