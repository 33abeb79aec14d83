using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests;

public sealed class ControllerManagerTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeHttpHandler _http = new();
    private readonly List<WatchStream> _watches = [];
    private readonly KubeClient _client;

    public ControllerManagerTests()
    {
        _http.Fallback(r =>
        {
            if (r.Method != HttpMethod.Get)
            {
                return null;
            }
            if (r.Query.GetValueOrDefault("watch") != "true")
            {
                return FakeHttpHandler.List("List", "1");
            }
            var stream = new WatchStream();
            lock (_watches)
            {
                _watches.Add(stream);
            }
            return FakeHttpHandler.Watch(stream);
        });
        _client = KubeClient.Create(new Uri("https://127.0.0.1:6443"), _http);
    }

    [Fact]
    public async Task Start_returns_at_once_and_the_controllers_list_and_watch_every_resource_through_the_api()
    {
        await using var manager = await ControllerManager.StartAsync(_client, NullLoggerFactory.Instance, new FakeTimeProvider(), CancellationToken.None);

        // The GC follows every kind but Events, through the informers the other controllers read too; the
        // EndpointSlice controller's managed slices are a selection of their own.
        var expected = Axolotl.Controllers.GarbageCollector.GarbageCollectorOptions.DefaultResources().Count + 1;
        await _http.WaitForRequestAsync(r => r.Query.GetValueOrDefault("watch") == "true", expected).WaitAsync(Deadline);

        await manager.GarbageCollector!.FirstSync.WaitAsync(Deadline);
        Assert.True(manager.GarbageCollector.HasSynced);
        Assert.DoesNotContain(_http.Requests, r => r.Path.Contains("/events", StringComparison.Ordinal));
        // GC, namespaces, ReplicaSets, ReplicationControllers, Deployments, Endpoints, EndpointSlices,
        // LoadBalancer status, DaemonSets, StatefulSets, PersistentVolumes, node lifecycle, disruption budgets, ClusterRole aggregation,
        // ServiceAccounts, Jobs, TTL after finished, CronJobs, HorizontalPodAutoscalers, node IPAM, APIService autoregistration and
        // availability (the root CA publisher runs only with a CA to publish).
        Assert.Equal(22, manager.Loops.Count);

        await manager.StopAsync().WaitAsync(Deadline);
        Assert.True(manager.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_garbage_collector_and_the_controllers_share_one_watch_per_kind_and_selection_so_pods_are_watched_once()
    {
        await using var manager = await ControllerManager.StartAsync(_client, NullLoggerFactory.Instance, new FakeTimeProvider(), CancellationToken.None);
        var expected = Axolotl.Controllers.GarbageCollector.GarbageCollectorOptions.DefaultResources().Count + 1;
        await _http.WaitForRequestAsync(r => r.Query.GetValueOrDefault("watch") == "true", expected).WaitAsync(Deadline);
        await manager.GarbageCollector!.FirstSync.WaitAsync(Deadline);
        await manager.Informers.WaitForCacheSyncAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(1, manager.Informers.CountOf(KnownResources.Pods));
        Assert.Equal(1, manager.Informers.CountOf(KnownResources.Namespaces));
        Assert.Equal(1, manager.Informers.CountOf(KnownResources.ReplicaSets));
        Assert.Equal(expected, manager.Informers.Count);
        var watches = _http.Requests.Where(r => r.Query.GetValueOrDefault("watch") == "true")
            .GroupBy(r => (r.Path, r.Query.GetValueOrDefault("labelSelector"), r.Query.GetValueOrDefault("fieldSelector")))
            .ToList();
        Assert.All(watches, w => Assert.Single(w));
        Assert.Single(watches, w => w.Key.Path == "/api/v1/pods");
        Assert.Single(_http.Requests, r => r.Path == "/api/v1/pods" && r.Query.GetValueOrDefault("watch") != "true");

        await manager.StopAsync().WaitAsync(Deadline);
    }

    public void Dispose() => _client.Dispose();
}
