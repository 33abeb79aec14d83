using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Discovery;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.GarbageCollector;

/// <summary>
/// The garbage collector: the metadata view of every resource type's informer feeds the
/// <see cref="OwnerGraph"/>; the UIDs the graph flags are reconciled by
/// <see cref="GarbageCollectorReconciler"/> once every informer has synced. With the process's
/// <see cref="SharedInformerFactory"/> those are the informers the typed consumers read (one watch of
/// pods per process, not one more for the collector), else informers of its own. A failure restarts the
/// whole loop (fresh graph; the informers replay their caches to it) with backoff.
/// </summary>
public sealed class GarbageCollectorController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, GarbageCollectorOptions? options = null,
    SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("garbage-collector", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<GarbageCollectorController>())
{
    private readonly GarbageCollectorOptions _options = options ?? new GarbageCollectorOptions();
    private readonly TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The graph of the current run (for diagnostics); null before the first start.</summary>
    public OwnerGraph? Graph { get; private set; }

    /// <summary>True once every informer of the current run has delivered its first list.</summary>
    public bool HasSynced { get; private set; }

    /// <summary>Completes the first time every informer has synced and the workers are about to start.</summary>
    public Task FirstSync => _firstSync.Task;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // A CRD coming or going changes what can own or be owned: the run ends and a new one starts with
        // a fresh graph (the shared informers replay their caches to it), as upstream resyncs its monitors.
        while (!ct.IsCancellationRequested)
        {
            var served = await DiscoverAsync(ct);
            using var changed = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var watching = WatchDiscoveryAsync(served, changed, changed.Token);
            try
            {
                await RunAsync(served, changed.Token);
            }
            catch (OperationCanceledException) when (changed.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                GarbageCollectorLog.ResourcesChanged(Logger);
            }
            finally
            {
                await changed.CancelAsync();
                await watching;
            }
        }
    }

    private async Task RunAsync(ServedResources served, CancellationToken ct)
    {
        HasSynced = false;
        var resources = _options.Resources.Concat(GarbageCollectorOptions.Followed(served.Custom)).ToList();
        var graph = new OwnerGraph(served);
        Graph = graph;
        Controller<string>? controller = null;
        var reconciler = new GarbageCollectorReconciler(client, graph, uid => controller!.Enqueue(uid), Logger, resources, served);
        controller = new Controller<string>(Name, reconciler, Time, Logger);

        void Enqueue(IReadOnlyList<string> uids)
        {
            foreach (var uid in uids)
            {
                controller.Enqueue(uid);
            }
        }

        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        foreach (var resource in resources)
        {
            var type = resource;
            informers.AddEventHandler(informers.Metadata(resource), new ResourceEventHandler<KubeObject>(
                onAdd: o => Enqueue(graph.Observe(GraphNode.From(o, type))),
                onUpdate: (_, o) => Enqueue(graph.Observe(GraphNode.From(o, type))),
                onDelete: o => Enqueue(graph.ObserveDeleted(GraphNode.From(o, type)))));
        }

        await informers.RunAsync(async token =>
        {
            HasSynced = true;
            _firstSync.TrySetResult();
            GarbageCollectorLog.Synced(Logger, resources.Count, graph.Count);
            await controller.RunAsync(_options.Workers, token);
        }, ct);
    }

    private async Task<ServedResources> DiscoverAsync(CancellationToken ct)
    {
        if (!_options.DiscoverCustomResources)
        {
            return ServedResources.BuiltIn;
        }
        try
        {
            return await ServedResources.DiscoverAsync(client, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Collecting the built-ins beats collecting nothing; the next look may add the rest.
            GarbageCollectorLog.DiscoveryFailed(Logger, e);
            return ServedResources.BuiltIn;
        }
    }

    /// <summary>Looks again every interval and cancels <paramref name="changed"/> when the custom resources differ from <paramref name="current"/>.</summary>
    private async Task WatchDiscoveryAsync(ServedResources current, CancellationTokenSource changed, CancellationToken ct)
    {
        if (!_options.DiscoverCustomResources)
        {
            return;
        }
        var known = Keys(current);
        try
        {
            while (true)
            {
                await Task.Delay(_options.RediscoveryInterval, Time, ct);
                ServedResources now;
                try
                {
                    now = await ServedResources.DiscoverAsync(client, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    GarbageCollectorLog.DiscoveryFailed(Logger, e);
                    continue; // a failed look says nothing about what changed
                }
                if (!Keys(now).SetEquals(known))
                {
                    await changed.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    private static HashSet<string> Keys(ServedResources served) =>
        served.Custom.Select(r => $"{r.ApiVersion}/{r.Plural}").ToHashSet(StringComparer.Ordinal);
}
