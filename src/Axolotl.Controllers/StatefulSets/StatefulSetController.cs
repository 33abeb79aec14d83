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
public sealed class StatefulSetController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, int workers = 2, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("statefulset-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger("Axolotl.Controllers.StatefulSet"))
{
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var sets = informers.For<StatefulSet>();
        var pods = informers.For<Pod>();
        var revisions = informers.For<ControllerRevision>();
        var claims = informers.For<PersistentVolumeClaim>();
        var setCache = new ListerCache<StatefulSet>(sets.Lister);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "statefulset-controller" }, Time, Logger);
        var reconciler = new StatefulSetReconciler(client, setCache, new ListerCache<Pod>(pods.Lister), new ListerCache<ControllerRevision>(revisions.Lister),
            new ListerCache<PersistentVolumeClaim>(claims.Lister), events, Time, Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new StatefulSetEventRouter(setCache, controller.Enqueue);

        informers.AddEventHandler(sets, new ResourceEventHandler<StatefulSet>(
            onAdd: router.StatefulSetChanged,
            onUpdate: (_, set) => router.StatefulSetChanged(set),
            onDelete: router.StatefulSetChanged));
        informers.AddEventHandler(pods, new ResourceEventHandler<Pod>(onAdd: router.PodChanged, onUpdate: router.PodUpdated, onDelete: router.PodChanged));
        informers.AddEventHandler(claims, new ResourceEventHandler<PersistentVolumeClaim>(
            onAdd: _ => { },
            onUpdate: (_, claim) => router.ClaimChanged(claim),
            onDelete: router.ClaimChanged));

        await informers.RunAsync(async token =>
        {
            HasSynced = true;
            await controller.RunAsync(workers, token);
        }, ct);
    }
}
