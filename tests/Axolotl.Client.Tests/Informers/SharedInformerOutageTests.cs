using Axolotl.Api.Core;
using Axolotl.Client.Informers;
using Axolotl.Testing;

namespace Axolotl.Client.Tests.Informers;

/// <summary>An informer whose API server goes away for a while (a node agent's, with its short retry cap).</summary>
public sealed class SharedInformerOutageTests : IAsyncDisposable
{
    private const string Path = "/api/v1/configmaps";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeHttpHandler _http = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly KubeClient _client;
    private readonly SharedInformer<ConfigMap> _informer;
    private readonly WatchStream _first = new();
    private volatile bool _down;
    private Task? _run;

    public SharedInformerOutageTests()
    {
        _client = TestObjects.Client(_http);
        _informer = new SharedInformer<ConfigMap>(_client.Resource<ConfigMap>(), _time, options: new SharedInformerOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(200),
            MaxBackoff = TimeSpan.FromSeconds(3),
        });
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.List("ConfigMapList", "10", TestObjects.Bare("a", "5")));
        _http.Enqueue(HttpMethod.Get, Path, FakeHttpHandler.Watch(_first));
        _http.Always(HttpMethod.Get, Path, _ => _down
            ? throw new HttpRequestException("Connection refused (api.test:6443)")
            : FakeHttpHandler.Watch(new WatchStream()));
    }

    [Fact]
    public async Task It_keeps_its_cache_while_the_server_is_gone_and_watches_again_within_its_backoff_cap_once_it_answers()
    {
        _run = Task.Run(() => _informer.RunAsync(_stop.Token));
        await _informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Deadline);
        _first.Send("ADDED", TestObjects.Bare("b", "11"));
        await Eventually.TrueAsync(() => _informer.Lister.List().Count == 2, "both pods in the cache", () => $"{_informer.Lister.List().Count} cached");

        // The server dies: its watch ends and every attempt is refused for thirty seconds.
        _down = true;
        _first.Complete();
        var delays = new List<TimeSpan>();
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(30);)
        {
            await _time.WaitForTimersAsync().WaitAsync(Deadline);
            var due = _time.NextDue!.Value;
            delays.Add(due);
            _time.Advance(due);
            elapsed += due;
        }

        // Readers (the node's DNS and routing) still see the last view.
        Assert.Equal(["a", "b"], _informer.Lister.List().Select(o => o.Metadata.Name).Order());
        Assert.Equal([0.2, 0.4, 0.8, 1.6, 3, 3], delays.Take(6).Select(d => d.TotalSeconds));
        Assert.All(delays, d => Assert.True(d <= TimeSpan.FromSeconds(3), $"waited {d}"));

        _down = false;
        await _time.WaitForTimersAsync().WaitAsync(Deadline);
        Assert.True(_time.NextDue <= TimeSpan.FromSeconds(3));
        var attempts = _http.Requests.Count;
        _time.Advance(_time.NextDue!.Value);
        // The list was the first request: the next watch is the attempts-th watch request.
        var watch = await _http.WaitForRequestAsync(r => r.Query.GetValueOrDefault("watch") == "true", attempts).WaitAsync(Deadline);

        // It resumes from the revision it had, without a relist: nothing changed while the server was gone.
        Assert.Equal("11", watch.Query["resourceVersion"]);
        Assert.Single(_http.Requests, r => !r.Query.ContainsKey("watch"));
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
}
