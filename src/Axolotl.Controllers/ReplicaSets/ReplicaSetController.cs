using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// The ReplicaSet controller, or (with <see cref="ReplicationControllerKind"/>) the ReplicationController
/// one: informers on the owners and on pods feed <see cref="ReplicaSetEventRouter{TOwner}"/>, which
/// queues owner keys for <see cref="ReplicaSetReconciler{TOwner}"/> once both caches have synced. A
/// failure restarts the loop with fresh informers, expectations and queue.
/// </summary>
public sealed class ReplicaSetController<TOwner>(
    KubeClient client,
    ReplicaKind<TOwner> kind,
    ILoggerFactory loggerFactory,
    TimeProvider time,
    ReplicaSetControllerOptions? options = null,
    SharedInformerFactory? informerFactory = null)
    : BackgroundLoop(kind.Component, LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger($"Axolotl.Controllers.{kind.Resource.Kind}"))
    where TOwner : KubeObject
{
    private readonly ReplicaSetControllerOptions _options = options ?? new ReplicaSetControllerOptions();

    /// <summary>True once both informers of the current run have delivered their first list.</summary>
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var owners = informers.For<TOwner>();
        var pods = informers.For<Pod>();
        var ownerCache = new ListerCache<TOwner>(owners.Lister);
        var expectations = new ControllerExpectations(Time, _options.ExpectationsTimeout);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = kind.Component }, Time, Logger);
        var reconciler = new ReplicaSetReconciler<TOwner>(client, kind, ownerCache, new ListerCache<Pod>(pods.Lister), expectations, events, Time, Logger, _options);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new ReplicaSetEventRouter<TOwner>(kind, ownerCache, expectations, controller.Enqueue, controller.EnqueueAfter);

        informers.AddEventHandler(owners, new ResourceEventHandler<TOwner>(
            onAdd: router.OwnerChanged,
            onUpdate: (_, o) => router.OwnerChanged(o),
            onDelete: router.OwnerDeleted));
        informers.AddEventHandler(pods, new ResourceEventHandler<Pod>(
            onAdd: router.PodAdded,
            onUpdate: router.PodUpdated,
            onDelete: router.PodDeleted));

        await informers.RunAsync(token =>
        {
            HasSynced = true;
            return controller.RunAsync(_options.Workers, token);
        }, ct);
    }
}
