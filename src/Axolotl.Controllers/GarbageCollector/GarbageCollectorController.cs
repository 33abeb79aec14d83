using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.GarbageCollector;

/// <summary>
/// The garbage collector: one metadata informer per resource type feeds the <see cref="OwnerGraph"/>;
/// the UIDs the graph flags are reconciled by <see cref="GarbageCollectorReconciler"/> once every
/// informer has synced. A failure restarts the whole loop (fresh informers and graph) with backoff.
/// </summary>
public sealed class GarbageCollectorController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, GarbageCollectorOptions? options = null)
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

        var informers = new List<SharedInformer<Unstructured>>();
        foreach (var resource in _options.Resources)
        {
            var informer = new SharedInformer<Unstructured>(client.Resource<Unstructured>(resource), Time,
                loggerFactory.CreateLogger($"Axolotl.Informer.GarbageCollector.{resource.QualifiedResource}"), transform: MetadataOnly);
            var type = resource;
            informer.AddEventHandler(new ResourceEventHandler<Unstructured>(
                onAdd: o => Enqueue(graph.Observe(GraphNode.From(o, type))),
                onUpdate: (_, o) => Enqueue(graph.Observe(GraphNode.From(o, type))),
                onDelete: o => Enqueue(graph.ObserveDeleted(GraphNode.From(o, type)))));
            informers.Add(informer);
        }

        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = informers.Select(i => Task.Run(() => i.RunAsync(stopInformers.Token), CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(ct)));
            HasSynced = true;
            _firstSync.TrySetResult();
            GarbageCollectorLog.Synced(Logger, informers.Count, graph.Count);
            await controller.RunAsync(_options.Workers, ct);
        }
        finally
        {
            await stopInformers.CancelAsync();
            await Task.WhenAll(running);
        }
    }

    /// <summary>The collector reads metadata only; dropping spec and status keeps the caches small.</summary>
    private static Unstructured MetadataOnly(Unstructured obj)
    {
        obj.ExtensionData = null;
        obj.Metadata.ManagedFields = null;
        return obj;
    }
}
