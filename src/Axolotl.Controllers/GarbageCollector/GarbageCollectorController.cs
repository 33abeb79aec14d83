using Axolotl.Api.Meta;
using Axolotl.Client;
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
        HasSynced = false;
        var graph = new OwnerGraph();
        Graph = graph;
        Controller<string>? controller = null;
        var reconciler = new GarbageCollectorReconciler(client, graph, uid => controller!.Enqueue(uid), Logger, _options.Resources);
        controller = new Controller<string>(Name, reconciler, Time, Logger);

        void Enqueue(IReadOnlyList<string> uids)
        {
            foreach (var uid in uids)
            {
                controller.Enqueue(uid);
            }
        }

        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        foreach (var resource in _options.Resources)
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
            GarbageCollectorLog.Synced(Logger, _options.Resources.Count, graph.Count);
            await controller.RunAsync(_options.Workers, token);
        }, ct);
    }
}
