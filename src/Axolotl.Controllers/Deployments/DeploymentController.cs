using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// The Deployment controller: informers on Deployments, ReplicaSets and pods feed
/// <see cref="DeploymentEventRouter"/>, which queues Deployment keys for
/// <see cref="DeploymentReconciler"/> once all three caches have synced. It never creates pods itself:
/// it sizes ReplicaSets and the ReplicaSet controller does the rest. A failure restarts the loop with
/// a fresh queue and handlers on the same (shared) informers.
/// </summary>
public sealed class DeploymentController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, DeploymentControllerOptions? options = null,
    SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("deployment-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<DeploymentController>())
{
    private readonly DeploymentControllerOptions _options = options ?? new DeploymentControllerOptions();

    /// <summary>True once every informer of the current run has delivered its first list.</summary>
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var deployments = informers.For<Deployment>();
        var replicaSets = informers.For<ReplicaSet>();
        var pods = informers.For<Pod>();
        var deploymentCache = new ListerCache<Deployment>(deployments.Lister);
        var replicaSetCache = new ListerCache<ReplicaSet>(replicaSets.Lister);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = Name }, Time, Logger);
        var reconciler = new DeploymentReconciler(client, deploymentCache, replicaSetCache, new ListerCache<Pod>(pods.Lister), events, Time, Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new DeploymentEventRouter(deploymentCache, replicaSetCache, controller.Enqueue);

        informers.AddEventHandler(deployments, new ResourceEventHandler<Deployment>(
            onAdd: router.DeploymentChanged,
            onUpdate: (_, d) => router.DeploymentChanged(d),
            onDelete: router.DeploymentChanged));
        informers.AddEventHandler(replicaSets, new ResourceEventHandler<ReplicaSet>(
            onAdd: router.ReplicaSetAdded,
            onUpdate: router.ReplicaSetUpdated,
            onDelete: router.ReplicaSetDeleted));
        informers.AddEventHandler(pods, new ResourceEventHandler<Pod>(
            onUpdate: router.PodUpdated,
            onDelete: router.PodDeleted));

        await informers.RunAsync(token =>
        {
            HasSynced = true;
            return controller.RunAsync(_options.Workers, token);
        }, ct);
    }
}
