using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>
/// The DaemonSet controller: informers on DaemonSets, pods, nodes and ControllerRevisions feed
/// <see cref="DaemonSetEventRouter"/>, which queues DaemonSet keys for <see cref="DaemonSetReconciler"/>
/// once every cache has synced. A failure restarts the loop with fresh informers and expectations.
/// </summary>
public sealed class DaemonSetController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, int workers = 2)
    : BackgroundLoop("daemonset-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger("Axolotl.Controllers.DaemonSet"))
{
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var daemonSets = new SharedInformer<DaemonSet>(client.Resource<DaemonSet>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.daemonset-controller.daemonsets"));
        var pods = new SharedInformer<Pod>(client.Resource<Pod>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.daemonset-controller.pods"));
        var nodes = new SharedInformer<Node>(client.Resource<Node>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.daemonset-controller.nodes"));
        var revisions = new SharedInformer<ControllerRevision>(client.Resource<ControllerRevision>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.daemonset-controller.controllerrevisions"));
        var dsCache = new ListerCache<DaemonSet>(daemonSets.Lister);
        var expectations = new ControllerExpectations(Time);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "daemonset-controller" }, Time, Logger);
        var reconciler = new DaemonSetReconciler(client, dsCache, new ListerCache<Pod>(pods.Lister), new ListerCache<Node>(nodes.Lister),
            new ListerCache<ControllerRevision>(revisions.Lister), expectations, events, Time, Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new DaemonSetEventRouter(dsCache, expectations, controller.Enqueue);

        daemonSets.AddEventHandler(new ResourceEventHandler<DaemonSet>(
            onAdd: router.DaemonSetChanged,
            onUpdate: (_, ds) => router.DaemonSetChanged(ds),
            onDelete: router.DaemonSetDeleted));
        pods.AddEventHandler(new ResourceEventHandler<Pod>(onAdd: router.PodAdded, onUpdate: router.PodUpdated, onDelete: router.PodDeleted));
        nodes.AddEventHandler(new ResourceEventHandler<Node>(
            onAdd: router.NodeChanged,
            onUpdate: (old, node) => { if (old.Metadata.ResourceVersion != node.Metadata.ResourceVersion) { router.NodeChanged(node); } },
            onDelete: router.NodeChanged));

        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new[]
        {
            Task.Run(() => daemonSets.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => pods.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => nodes.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => revisions.RunAsync(stopInformers.Token), CancellationToken.None),
        };
        try
        {
            await Task.WhenAll(daemonSets.WaitForSyncAsync(ct), pods.WaitForSyncAsync(ct), nodes.WaitForSyncAsync(ct), revisions.WaitForSyncAsync(ct));
            HasSynced = true;
            await controller.RunAsync(workers, ct);
        }
        finally
        {
            await stopInformers.CancelAsync();
            await Task.WhenAll(running);
        }
    }
}
