using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Endpoints;

/// <summary>
/// The Endpoints controller: informers on Services, Pods and Endpoints queue Service keys, with no
/// batching delay (upstream's --endpoint-updates-batch-period defaults to 0), for
/// <see cref="EndpointsReconciler"/>. A pod change queues every Service whose selector matches the
/// pod before or after the change, and only when something endpoints show changed. A failure
/// restarts the loop with fresh informers.
/// </summary>
public sealed class EndpointsController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, EndpointsControllerOptions? options = null)
    : BackgroundLoop("endpoints-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<EndpointsController>())
{
    private readonly EndpointsControllerOptions _options = options ?? new EndpointsControllerOptions();

    /// <summary>True once the informers of the current run have delivered their first list.</summary>
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var services = new SharedInformer<Service>(client.Resource<Service>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.endpoints-controller.services"));
        var pods = new SharedInformer<Pod>(client.Resource<Pod>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.endpoints-controller.pods"));
        var endpoints = new SharedInformer<Api.Core.Endpoints>(client.Resource<Api.Core.Endpoints>(), Time,
            loggerFactory.CreateLogger("Axolotl.Informer.endpoints-controller.endpoints"));
        var reconciler = new EndpointsReconciler(client, services.Lister, pods.Lister, endpoints.Lister,
            new TriggerTimeTracker(), new WrittenVersions(Time), Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new ServiceEventRouter(services.Lister, controller.Enqueue);

        services.AddEventHandler(router.ServiceHandler());
        pods.AddEventHandler(router.PodHandler());
        endpoints.AddEventHandler(new ResourceEventHandler<Api.Core.Endpoints>(
            // Leftovers whose Service is gone (e.g. deleted while the controller was down) get cleaned up.
            onAdd: e =>
            {
                if (services.Lister.Get(e.Metadata.Namespace, e.Metadata.Name ?? "") is null)
                {
                    controller.Enqueue(ObjectKey.Of(e));
                }
            },
            // Someone deleted a managed Endpoints: write it again.
            onDelete: e => controller.Enqueue(ObjectKey.Of(e))));

        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new[]
        {
            Task.Run(() => services.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => pods.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => endpoints.RunAsync(stopInformers.Token), CancellationToken.None),
        };
        try
        {
            await Task.WhenAll(services.WaitForSyncAsync(ct), pods.WaitForSyncAsync(ct), endpoints.WaitForSyncAsync(ct));
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
