using System.Net;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;
using Axolotl.Client.Events;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Client.Tests.Events;

/// <summary>
/// The shared event recorder: against the real API server for what lands in etcd-equivalent storage
/// (series, counts, sources as the scheduler and the kubelet write them), and against a scripted
/// HTTP handler for the queue's bound and drop policy.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EventRecorderTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;
    private string _ns = null!;

    private KubeClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _ns = "events-" + Guid.NewGuid().ToString("N")[..8];
        await Client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = _ns } }, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Repeats_of_the_same_event_are_counted_on_one_Event_instead_of_creating_new_ones()
    {
        var pod = await CreatePodAsync("subject");
        await using var recorder = new EventRecorder(Client, new EventRecorderOptions { Component = "test-component", Host = "host-1" }, TimeProvider.System, NullLogger.Instance);

        var first = (await recorder.RecordAsync(pod, EventRecorder.Warning, "BackOff", "Back-off restarting failed container", CancellationToken.None))!;
        var second = (await recorder.RecordAsync(pod, EventRecorder.Warning, "BackOff", "Back-off restarting failed container", CancellationToken.None))!;
        var other = (await recorder.RecordAsync(pod, EventRecorder.Normal, "Pulled", "Container image already present", CancellationToken.None))!;

        Assert.Equal(first.Metadata.Name, second.Metadata.Name);
        Assert.Equal(2, second.Count);
        Assert.NotEqual(first.Metadata.Name, other.Metadata.Name);
        Assert.Equal(1, other.Count);
        Assert.Equal("test-component", first.Source?.Component);
        Assert.Equal("test-component", first.ReportingComponent);
        Assert.Equal("host-1", first.Source?.Host);
        Assert.Equal("host-1", first.ReportingInstance);
        Assert.StartsWith("subject.", first.Metadata.Name, StringComparison.Ordinal);
        var events = await Client.ListAsync<Event>(_ns, new ListOptions { FieldSelector = "involvedObject.name=subject,reason=BackOff" }, CancellationToken.None);
        Assert.Single(events.Items);
    }

    [Fact]
    public async Task Queued_events_are_written_as_the_scheduler_writes_them()
    {
        var pod = await CreatePodAsync("web-1");
        await using var recorder = new EventRecorder(Client, new EventRecorderOptions { Component = "default-scheduler" }, TimeProvider.System, NullLogger.Instance);

        recorder.Record(pod, EventRecorder.Normal, "Scheduled", $"Successfully assigned {_ns}/web-1 to node-a");
        await recorder.FlushAsync(CancellationToken.None);

        var scheduled = Assert.Single((await ListEventsAsync("web-1")).Items);
        Assert.Equal("Scheduled", scheduled.Reason);
        Assert.Equal($"Successfully assigned {_ns}/web-1 to node-a", scheduled.Message);
        Assert.Equal("Normal", scheduled.Type);
        Assert.Equal("default-scheduler", scheduled.Source?.Component);
        Assert.Equal("default-scheduler", scheduled.ReportingComponent);
        Assert.True(string.IsNullOrEmpty(scheduled.Source?.Host));
        Assert.Equal("Pod", scheduled.InvolvedObject.Kind);
        Assert.Equal("v1", scheduled.InvolvedObject.ApiVersion);
        Assert.Equal(pod.Metadata.Uid, scheduled.InvolvedObject.Uid);
        Assert.Null(scheduled.InvolvedObject.FieldPath);
    }

    [Fact]
    public async Task Container_events_carry_the_field_path_and_are_counted_per_container_as_the_kubelet_writes_them()
    {
        var pod = await CreatePodAsync("crasher");
        // A list item without kind and apiVersion: the reference must still say Pod/v1.
        pod.Kind = null;
        pod.ApiVersion = null;
        await using var recorder = new EventRecorder(Client, new EventRecorderOptions { Component = "kubelet", Host = "node-1" }, TimeProvider.System, NullLogger.Instance);
        var app = EventRecorder.ContainerFieldPath("app", init: false);
        var init = EventRecorder.ContainerFieldPath("setup", init: true);

        recorder.Record(pod, EventRecorder.Warning, "BackOff", "Back-off restarting failed container", app);
        recorder.Record(pod, EventRecorder.Warning, "BackOff", "Back-off restarting failed container", app);
        recorder.Record(pod, EventRecorder.Warning, "BackOff", "Back-off restarting failed container", init);
        await recorder.FlushAsync(CancellationToken.None);

        var events = (await ListEventsAsync("crasher")).Items;
        Assert.Equal(2, events.Count);
        var forApp = Assert.Single(events, e => e.InvolvedObject.FieldPath == "spec.containers{app}");
        var forInit = Assert.Single(events, e => e.InvolvedObject.FieldPath == "spec.initContainers{setup}");
        Assert.Equal(2, forApp.Count);
        Assert.Equal(1, forInit.Count);
        Assert.All(events, e => Assert.Equal(("kubelet", "node-1", "kubelet", "node-1"), (e.Source!.Component, e.Source.Host, e.ReportingComponent, e.ReportingInstance)));
        Assert.All(events, e => Assert.Equal(("Pod", "v1"), (e.InvolvedObject.Kind, e.InvolvedObject.ApiVersion)));
    }

    [Fact]
    public async Task A_repeat_of_an_event_that_was_deleted_meanwhile_starts_a_new_series()
    {
        var pod = await CreatePodAsync("expired");
        await using var recorder = new EventRecorder(Client, new EventRecorderOptions { Component = "kubelet", Host = "node-1" }, TimeProvider.System, NullLogger.Instance);
        var first = (await recorder.RecordAsync(pod, EventRecorder.Normal, "Pulled", "Container image already present", CancellationToken.None))!;

        await Client.DeleteAsync<Event>(_ns, first.Metadata.Name!, null, CancellationToken.None);
        var again = (await recorder.RecordAsync(pod, EventRecorder.Normal, "Pulled", "Container image already present", CancellationToken.None))!;

        Assert.NotEqual(first.Metadata.Name, again.Metadata.Name);
        Assert.Equal(1, again.Count);
        Assert.Single((await ListEventsAsync("expired")).Items);
    }

    [Fact]
    public async Task Events_in_the_same_clock_tick_get_distinct_names()
    {
        var pod = await CreatePodAsync("frozen");
        // A clock that never moves: every event has the same timestamp.
        var time = new FakeTimeProvider();
        await using var recorder = new EventRecorder(Client, new EventRecorderOptions { Component = "kubelet", Host = "node-1" }, time, NullLogger.Instance);

        recorder.Record(pod, EventRecorder.Normal, "Created", "Created container app");
        recorder.Record(pod, EventRecorder.Normal, "Started", "Started container app");
        await recorder.FlushAsync(CancellationToken.None);

        var events = (await ListEventsAsync("frozen")).Items;
        Assert.Equal(["Created", "Started"], events.Select(e => e.Reason).Order());
        Assert.All(events, e => Assert.Equal(time.GetUtcNow(), e.FirstTimestamp));
    }

    [Fact]
    public async Task A_full_queue_drops_new_events_without_blocking_and_keeps_the_queued_ones()
    {
        using var gate = new ManualResetEventSlim();
        var http = new FakeHttpHandler().Fallback(r =>
        {
            // Holds the writer on its first request so that the queue fills up behind it.
            gate.Wait(TimeSpan.FromSeconds(30));
            return FakeHttpHandler.JsonText(r.Body!, HttpStatusCode.Created);
        });
        using var client = TestObjects.Client(http);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "kubelet", Host = "node-1", QueueCapacity = 2 }, TimeProvider.System, NullLogger.Instance);
        var pod = NewPod("busy", "default");

        recorder.Record(pod, EventRecorder.Normal, "Event", "0");
        await http.WaitForRequestAsync(r => r.Method == HttpMethod.Post);
        for (var i = 1; i <= 4; i++)
        {
            recorder.Record(pod, EventRecorder.Normal, "Event", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(2, recorder.Dropped);

        gate.Set();
        await recorder.FlushAsync(CancellationToken.None);

        var written = http.Requests.Where(r => r.Method == HttpMethod.Post).Select(r => KubeJson.Deserialize<Event>(r.Body!)!.Message);
        Assert.Equal(["0", "1", "2"], written);
    }

    [Fact]
    public async Task A_failed_write_is_dropped_and_does_not_stop_the_writer()
    {
        var http = new FakeHttpHandler();
        var path = "/api/v1/namespaces/default/events";
        http.Enqueue(HttpMethod.Post, path, FakeHttpHandler.Status(500, "InternalError", "boom"));
        http.Always(HttpMethod.Post, path, r => FakeHttpHandler.JsonText(r.Body!, HttpStatusCode.Created));
        using var client = TestObjects.Client(http);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "kubelet", Host = "node-1" }, TimeProvider.System, NullLogger.Instance);
        var pod = NewPod("flaky", "default");

        recorder.Record(pod, EventRecorder.Warning, "Failed", "lost");
        recorder.Record(pod, EventRecorder.Normal, "Started", "kept");
        await recorder.FlushAsync(CancellationToken.None);

        Assert.Equal(2, http.Requests.Count(r => r.Method == HttpMethod.Post));
        Assert.Equal(0, recorder.Dropped);
    }

    [Fact]
    public async Task After_disposal_Record_is_ignored_and_FlushAsync_returns_at_once()
    {
        var http = new FakeHttpHandler();
        using var client = TestObjects.Client(http);
        var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "kubelet" }, TimeProvider.System, NullLogger.Instance);
        await recorder.DisposeAsync();

        recorder.Record(NewPod("late", "default"), EventRecorder.Normal, "Started", "too late");
        await recorder.FlushAsync(CancellationToken.None);

        Assert.Empty(http.Requests);
        Assert.Equal(0, recorder.Dropped);
    }

    private async Task<Pod> CreatePodAsync(string name)
    {
        var pod = NewPod(name, _ns);
        pod.Metadata.Uid = null;
        return await Client.CreateAsync(pod, CancellationToken.None);
    }

    private static Pod NewPod(string name, string ns) => PodBuilder.Named(name, ns).WithUid().WithContainer("app", "busybox").Build();

    private Task<KubeList<Event>> ListEventsAsync(string name) =>
        Client.ListAsync<Event>(_ns, new ListOptions { FieldSelector = $"involvedObject.name={name}" }, CancellationToken.None);
}
