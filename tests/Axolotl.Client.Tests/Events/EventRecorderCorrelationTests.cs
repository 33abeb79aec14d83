using System.Net;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Client.Events;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Client.Tests.Events;

/// <summary>What the recorder sends for correlated events: a combined series PATCHed, filtered events counted in the next write.</summary>
public sealed class EventRecorderCorrelationTests
{
    private const string Events = "/api/v1/namespaces/default/events";

    private readonly FakeHttpHandler _http = new FakeHttpHandler().Fallback(r => r.Method == HttpMethod.Post
        ? FakeHttpHandler.JsonText(r.Body!, HttpStatusCode.Created)
        : FakeHttpHandler.JsonText($$$"""{"apiVersion":"v1","kind":"Event","metadata":{"name":"{{{r.Path[(Events.Length + 1)..]}}}","namespace":"default"},"involvedObject":{}}"""));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private readonly Pod _pod = PodBuilder.Named("web", "default").WithUid().WithContainer("app", "busybox").Build();

    [Fact]
    public async Task Similar_events_past_the_tenth_patch_one_combined_Event_with_count_and_message()
    {
        using var client = TestObjects.Client(_http);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "kubelet", Host = "node-1" }, _time, NullLogger.Instance);

        for (var i = 1; i <= 12; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            recorder.Record(_pod, EventRecorder.Warning, "FailedMount", $"volume v{i} not found");
        }
        await recorder.FlushAsync(CancellationToken.None);

        var posts = _http.Requests.Where(r => r.Method == HttpMethod.Post).Select(r => KubeJson.Deserialize<Event>(r.Body!)!).ToList();
        Assert.Equal(10, posts.Count);
        Assert.Equal("(combined from similar events): volume v10 not found", posts[^1].Message);
        var patches = _http.Requests.Where(r => r.Method == HttpMethod.Patch).ToList();
        Assert.Equal(2, patches.Count);
        Assert.All(patches, p => Assert.EndsWith("/" + posts[^1].Metadata.Name, p.Path, StringComparison.Ordinal));
        Assert.Equal(3, patches[^1].Json!["count"]!.GetValue<int>());
        Assert.Equal("(combined from similar events): volume v12 not found", patches[^1].Json!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Events_the_spam_filter_holds_back_are_counted_in_the_next_write_of_their_series()
    {
        using var client = TestObjects.Client(_http);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "kubelet", Host = "node-1" }, _time, NullLogger.Instance);

        for (var i = 0; i < 30; i++)
        {
            recorder.Record(_pod, EventRecorder.Warning, "Unhealthy", "Readiness probe failed: connection refused", "spec.containers{app}");
        }
        await recorder.FlushAsync(CancellationToken.None);
        Assert.Equal(25, _http.Requests.Count);
        Assert.Equal(5, recorder.Filtered);

        _time.Advance(EventCorrelator.SpamRefill);
        recorder.Record(_pod, EventRecorder.Warning, "Unhealthy", "Readiness probe failed: connection refused", "spec.containers{app}");
        await recorder.FlushAsync(CancellationToken.None);

        var last = _http.Requests[^1];
        Assert.Equal(HttpMethod.Patch, last.Method);
        Assert.Equal(31, last.Json!["count"]!.GetValue<int>());
    }
}
