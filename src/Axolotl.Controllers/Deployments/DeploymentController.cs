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
/// fresh informers.
/// </summary>
public sealed class DeploymentController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, DeploymentControllerOptions? options = null)
    : BackgroundLoop("deployment-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<DeploymentController>())
{
    private readonly DeploymentControllerOptions _options = options ?? new DeploymentControllerOptions();

    /// <summary>True once every informer of the current run has delivered its first list.</summary>
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var deployments = new SharedInformer<Deployment>(client.Resource<Deployment>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.deployment-controller.deployments"));
        var replicaSets = new SharedInformer<ReplicaSet>(client.Resource<ReplicaSet>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.deployment-controller.replicasets"));
        var pods = new SharedInformer<Pod>(client.Resource<Pod>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.deployment-controller.pods"));
        var deploymentCache = new ListerCache<Deployment>(deployments.Lister);
        var replicaSetCache = new ListerCache<ReplicaSet>(replicaSets.Lister);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = Name }, Time, Logger);
        var reconciler = new DeploymentReconciler(client, deploymentCache, replicaSetCache, new ListerCache<Pod>(pods.Lister), events, Time, Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new DeploymentEventRouter(deploymentCache, replicaSetCache, controller.Enqueue);

        deployments.AddEventHandler(new ResourceEventHandler<Deployment>(
            onAdd: router.DeploymentChanged,
            onUpdate: (_, d) => router.DeploymentChanged(d),
            onDelete: router.DeploymentChanged));
        replicaSets.AddEventHandler(new ResourceEventHandler<ReplicaSet>(
            onAdd: router.ReplicaSetAdded,
            onUpdate: router.ReplicaSetUpdated,
            onDelete: router.ReplicaSetDeleted));
        pods.AddEventHandler(new ResourceEventHandler<Pod>(
            onUpdate: router.PodUpdated,
            onDelete: router.PodDeleted));

        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new[]
        {
            Task.Run(() => deployments.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => replicaSets.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => pods.RunAsync(stopInformers.Token), CancellationToken.None),
        };
        try
        {
            await Task.WhenAll(deployments.WaitForSyncAsync(ct), replicaSets.WaitForSyncAsync(ct), pods.WaitForSyncAsync(ct));
            HasSynced = true;
            await controller.RunAsync(_options.Workers, ct);
        }
        finally
        {
            await stopInformers.CancelAsync();
            await Task.WhenAll(running);
        }
    }
}
