using System.Net;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Client.Events;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Client.Tests.Events;

/// <summary>
/// ParallelWrites: queued events about different objects are written together (as the scheduler's events.k8s.io
/// broadcaster writes them), events about one object still one after another in the order recorded.
/// </summary>
public sealed class EventRecorderParallelTests
{
    private static Pod NewPod(string name) => PodBuilder.Named(name, "default").WithUid().WithContainer("app", "busybox").Build();

    [Fact]
    public async Task Events_about_different_objects_are_written_together_up_to_the_limit()
    {
        using var gate = new ManualResetEventSlim();
        var inFlight = 0;
        var most = 0;
        var http = new FakeHttpHandler().Fallback(r =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            gate.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref inFlight);
            return FakeHttpHandler.JsonText(r.Body!, HttpStatusCode.Created);
        });
        using var client = TestObjects.Client(http);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "default-scheduler", ParallelWrites = 3 }, TimeProvider.System, NullLogger.Instance);

        for (var i = 0; i < 5; i++)
        {
            recorder.Record(NewPod($"web-{i}"), EventRecorder.Normal, "Scheduled", $"Successfully assigned default/web-{i} to node-1");
        }
        await http.WaitForRequestAsync(r => r.Method == HttpMethod.Post, 3).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        Assert.Equal(3, http.Requests.Count(r => r.Method == HttpMethod.Post));

        gate.Set();
        await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(5, http.Requests.Count(r => r.Method == HttpMethod.Post));
        Assert.Equal(3, most);
        Assert.Equal(0, recorder.Dropped);
    }

    [Fact]
    public async Task Events_about_one_object_wait_for_each_other_and_keep_their_order()
    {
        using var gate = new ManualResetEventSlim();
        var http = new FakeHttpHandler().Fallback(r =>
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            return FakeHttpHandler.JsonText(r.Body!, HttpStatusCode.Created);
        });
        using var client = TestObjects.Client(http);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "kubelet", Host = "node-1", ParallelWrites = 4 }, TimeProvider.System, NullLogger.Instance);
        var pod = NewPod("busy");

        recorder.Record(pod, EventRecorder.Normal, "Pulled", "first");
        recorder.Record(pod, EventRecorder.Normal, "Created", "second");
        recorder.Record(NewPod("other"), EventRecorder.Normal, "Pulled", "elsewhere");
        recorder.Record(pod, EventRecorder.Normal, "Started", "third");
        await http.WaitForRequestAsync(r => r.Method == HttpMethod.Post, 2).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        // The first event about "busy" and the one about "other"; the rest of "busy" waits for its first.
        Assert.Equal(["elsewhere", "first"], Messages(http).Order(StringComparer.Ordinal));

        gate.Set();
        await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["first", "second", "third"], Messages(http).Where(m => m != "elsewhere"));
    }

    [Fact]
    public async Task A_flush_waits_for_an_earlier_event_still_being_written_after_later_ones_finished()
    {
        using var slow = new ManualResetEventSlim();
        var http = new FakeHttpHandler().Fallback(r =>
        {
            if (KubeJson.Deserialize<Event>(r.Body!)!.Message == "slow")
            {
                slow.Wait(TimeSpan.FromSeconds(30));
            }
            return FakeHttpHandler.JsonText(r.Body!, HttpStatusCode.Created);
        });
        using var client = TestObjects.Client(http);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "default-scheduler", ParallelWrites = 2 }, TimeProvider.System, NullLogger.Instance);

        recorder.Record(NewPod("a"), EventRecorder.Normal, "Scheduled", "slow");
        recorder.Record(NewPod("b"), EventRecorder.Normal, "Scheduled", "fast");
        await http.WaitForRequestAsync(r => r.Method == HttpMethod.Post, 2).WaitAsync(TimeSpan.FromSeconds(30));
        var flush = recorder.FlushAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(flush.IsCompleted);

        slow.Set();
        await flush.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static List<string> Messages(FakeHttpHandler http) =>
        [.. http.Requests.Where(r => r.Method == HttpMethod.Post).Select(r => KubeJson.Deserialize<Event>(r.Body!)!.Message!)];

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var before && before != seen)
        {
            seen = before;
        }
    }
}
