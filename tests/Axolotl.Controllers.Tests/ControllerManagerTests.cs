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

        // The GC watches every kind but Events; the namespace controller watches Namespaces too.
        var expected = Axolotl.Controllers.GarbageCollector.GarbageCollectorOptions.DefaultResources().Count + 1;
        await _http.WaitForRequestAsync(r => r.Query.GetValueOrDefault("watch") == "true", expected).WaitAsync(Deadline);

        await manager.GarbageCollector!.FirstSync.WaitAsync(Deadline);
        Assert.True(manager.GarbageCollector.HasSynced);
        Assert.DoesNotContain(_http.Requests, r => r.Path.Contains("/events", StringComparison.Ordinal));
        // GC, namespaces, ReplicaSets, ReplicationControllers, Deployments, Endpoints, EndpointSlices,
        // LoadBalancer status, DaemonSets, StatefulSets, PersistentVolumes, node lifecycle, disruption budgets, ClusterRole aggregation,
        // ServiceAccounts, Jobs, TTL after finished, CronJobs, HorizontalPodAutoscalers, node IPAM (the root CA publisher runs only with a CA to publish).
        Assert.Equal(20, manager.Loops.Count);

        await manager.StopAsync().WaitAsync(Deadline);
        Assert.True(manager.Completion.IsCompletedSuccessfully);
    }

    public void Dispose() => _client.Dispose();
}
