using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.StatefulSets;

/// <summary>
/// The StatefulSet controller: informers on StatefulSets, pods, ControllerRevisions and claims feed
/// <see cref="StatefulSetEventRouter"/>, which queues StatefulSet keys for <see cref="StatefulSetReconciler"/>
/// once every cache has synced. A failure restarts the loop with fresh informers.
/// </summary>
public sealed class StatefulSetController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, int workers = 2)
    : BackgroundLoop("statefulset-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger("Axolotl.Controllers.StatefulSet"))
{
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var sets = new SharedInformer<StatefulSet>(client.Resource<StatefulSet>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.statefulset-controller.statefulsets"));
        var pods = new SharedInformer<Pod>(client.Resource<Pod>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.statefulset-controller.pods"));
        var revisions = new SharedInformer<ControllerRevision>(client.Resource<ControllerRevision>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.statefulset-controller.controllerrevisions"));
        var claims = new SharedInformer<PersistentVolumeClaim>(client.Resource<PersistentVolumeClaim>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.statefulset-controller.persistentvolumeclaims"));
        var setCache = new ListerCache<StatefulSet>(sets.Lister);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "statefulset-controller" }, Time, Logger);
        var reconciler = new StatefulSetReconciler(client, setCache, new ListerCache<Pod>(pods.Lister), new ListerCache<ControllerRevision>(revisions.Lister),
            new ListerCache<PersistentVolumeClaim>(claims.Lister), events, Time, Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new StatefulSetEventRouter(setCache, controller.Enqueue);

        sets.AddEventHandler(new ResourceEventHandler<StatefulSet>(
            onAdd: router.StatefulSetChanged,
            onUpdate: (_, set) => router.StatefulSetChanged(set),
            onDelete: router.StatefulSetChanged));
        pods.AddEventHandler(new ResourceEventHandler<Pod>(onAdd: router.PodChanged, onUpdate: router.PodUpdated, onDelete: router.PodChanged));
        claims.AddEventHandler(new ResourceEventHandler<PersistentVolumeClaim>(
            onAdd: _ => { },
            onUpdate: (_, claim) => router.ClaimChanged(claim),
            onDelete: router.ClaimChanged));

        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new[]
        {
            Task.Run(() => sets.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => pods.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => revisions.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => claims.RunAsync(stopInformers.Token), CancellationToken.None),
        };
        try
        {
            await Task.WhenAll(sets.WaitForSyncAsync(ct), pods.WaitForSyncAsync(ct), revisions.WaitForSyncAsync(ct), claims.WaitForSyncAsync(ct));
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
