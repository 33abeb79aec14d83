using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client.Informers;
using Axolotl.Testing;

namespace Axolotl.Client.Tests.Informers;

public sealed class SharedInformerTests : IAsyncDisposable
{
    private const string Path = "/api/v1/configmaps";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeHttpHandler _http = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _events = [];
    private readonly KubeClient _client;
    private readonly SharedInformer<ConfigMap> _informer;
    private Task? _run;

    public SharedInformerTests()
    {
        _client = TestObjects.Client(_http);
        _informer = new SharedInformer<ConfigMap>(_client.Resource<ConfigMap>(), _time);
        _informer.AddEventHandler(new ResourceEventHandler<ConfigMap>(
            onAdd: o => Record($"add {o.Metadata.Name}@{o.Metadata.ResourceVersion}"),
            onUpdate: (o, n) => Record($"update {o.Metadata.Name}@{o.Metadata.ResourceVersion}->{n.Metadata.ResourceVersion}"),
            onDelete: o => Record($"delete {o.Metadata.Name}")));
    }

    [Fact]
    public async Task It_lists_then_watches_from_the_list_revision_and_bookmarks_move_the_revision()
    {
        var first = new WatchStream();
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "10", TestObjects.Bare("a", "5"), TestObjects.Bare("b", "6")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(first));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(new WatchStream()));
        first.Send("ADDED", TestObjects.Bare("c", "11"));
        first.Send("MODIFIED", TestObjects.Bare("a", "12"));
        first.Send("DELETED", TestObjects.Bare("b", "13"));
        first.SendRaw("""{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"20"}}}""" + "\n");
        first.Complete();

        Start();
        await WatchRequestAsync("20");

        Assert.Equal(["add a@5", "add b@6", "add c@11", "update a@5->12", "delete b"], Events());
        Assert.Equal("10", _http.Requests.Single(r => r.Query.GetValueOrDefault("watch") == "true" && r.Query["resourceVersion"] == "10").Query["resourceVersion"]);
        Assert.True(_informer.HasSynced);
        Assert.Equal(["a", "c"], _informer.Lister.List().Select(o => o.Metadata.Name).Order());
        Assert.Equal("ConfigMap", _informer.Lister.Get("default", "a")!.Kind);
    }

    [Fact]
    public async Task An_expired_watch_relists_and_reports_only_what_changed()
    {
        var first = new WatchStream();
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "10", TestObjects.Bare("a", "5"), TestObjects.Bare("b", "6")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(first));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "30", TestObjects.Bare("a", "11"), TestObjects.Bare("c", "25")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(new WatchStream()));
        first.Send("MODIFIED", TestObjects.Bare("a", "11"));
        first.SendExpired();

        Start();
        await WatchRequestAsync("30");

        Assert.Equal(["add a@5", "add b@6", "update a@5->11", "add c@25", "delete b"], Events());
        var lists = _http.Requests.Where(r => !r.Query.ContainsKey("watch")).ToList();
        Assert.Equal(2, lists.Count);
        Assert.All(lists, l => Assert.False(l.Query.ContainsKey("resourceVersion")));
        Assert.Equal("30", _informer.LastSyncResourceVersion);
    }

    [Fact]
    public async Task A_watch_refused_with_410_also_relists()
    {
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "10", TestObjects.Bare("a", "5")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Status(410, "Expired", "too old resource version: 10 (15)"));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "16", TestObjects.Bare("a", "5", uid: "new-uid")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(new WatchStream()));

        Start();
        await WatchRequestAsync("16");

        // Same name, new UID: the old object was deleted and a new one created while we were not watching.
        Assert.Equal(["add a@5", "delete a", "add a@5"], Events());
        Assert.Equal("new-uid", _informer.Lister.Get("default", "a")!.Metadata.Uid);
    }

    [Fact]
    public async Task A_failed_list_is_retried_after_a_backoff_on_the_injected_clock()
    {
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Status(503, "ServiceUnavailable", "starting"));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Status(503, "ServiceUnavailable", "starting"));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "10", TestObjects.Bare("a", "5")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(new WatchStream()));

        Start();
        await _time.WaitForTimersAsync().WaitAsync(Deadline);
        Assert.Equal(TimeSpan.FromMilliseconds(800), _time.NextDue);
        _time.Advance(TimeSpan.FromMilliseconds(799));
        Assert.Single(_http.Requests);
        Assert.False(_informer.HasSynced);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _http.WaitForRequestAsync(r => true, count: 2).WaitAsync(Deadline);
        await _time.WaitForTimersAsync().WaitAsync(Deadline);
        Assert.Equal(TimeSpan.FromMilliseconds(1600), _time.NextDue);

        _time.Advance(TimeSpan.FromMilliseconds(1600));
        await WatchRequestAsync("10");
        Assert.True(_informer.HasSynced);
        Assert.Equal(["add a@5"], Events());
    }

    [Fact]
    public async Task A_watch_the_server_ends_cleanly_is_resumed_from_the_last_revision_without_a_relist()
    {
        var first = new WatchStream();
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "10"));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(first));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(new WatchStream()));
        first.Send("ADDED", TestObjects.Bare("a", "12"));
        first.Complete();

        Start();
        await WatchRequestAsync("12");

        Assert.Single(_http.Requests, r => !r.Query.ContainsKey("watch"));
    }

    [Fact]
    public async Task A_handler_added_after_sync_first_receives_the_cached_objects()
    {
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "10", TestObjects.Bare("a", "5"), TestObjects.Bare("b", "6")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(new WatchStream()));
        Start();
        await _informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Deadline);

        var late = new List<string>();
        using var registration = _informer.AddEventHandler(new ResourceEventHandler<ConfigMap>(onAdd: o => late.Add(o.Metadata.Name!)));

        Assert.Equal(["a", "b"], late.Order());
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_the_others()
    {
        _informer.AddEventHandler(new ResourceEventHandler<ConfigMap>(onAdd: _ => throw new InvalidOperationException("boom")));
        var after = new List<string>();
        _informer.AddEventHandler(new ResourceEventHandler<ConfigMap>(onAdd: o => after.Add(o.Metadata.Name!)));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "10", TestObjects.Bare("a", "5")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(new WatchStream()));

        Start();
        await WatchRequestAsync("10");

        Assert.Equal(["a"], after);
        Assert.Equal(["add a@5"], Events());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(Deadline);
        }
        _client.Dispose();
        _stop.Dispose();
    }

    private void Start() => _run = Task.Run(() => _informer.RunAsync(_stop.Token));

    private Task WatchRequestAsync(string resourceVersion) =>
        _http.WaitForRequestAsync(r => r.Query.GetValueOrDefault("watch") == "true" && r.Query.GetValueOrDefault("resourceVersion") == resourceVersion)
            .WaitAsync(Deadline);

    private void Record(string e)
    {
        lock (_events)
        {
            _events.Add(e);
        }
    }

    private List<string> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }
}
