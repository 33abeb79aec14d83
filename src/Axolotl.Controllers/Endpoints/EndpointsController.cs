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
public sealed class EndpointsController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, EndpointsControllerOptions? options = null, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("endpoints-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<EndpointsController>())
{
    private readonly EndpointsControllerOptions _options = options ?? new EndpointsControllerOptions();

    /// <summary>True once the informers of the current run have delivered their first list.</summary>
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var services = informers.For<Service>();
        var pods = informers.For<Pod>();
        var endpoints = informers.For<Api.Core.Endpoints>();
        var reconciler = new EndpointsReconciler(client, services.Lister, pods.Lister, endpoints.Lister,
            new TriggerTimeTracker(), new WrittenVersions(Time), Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new ServiceEventRouter(services.Lister, controller.Enqueue);

        informers.AddEventHandler(services, router.ServiceHandler());
        informers.AddEventHandler(pods, router.PodHandler());
        informers.AddEventHandler(endpoints, new ResourceEventHandler<Api.Core.Endpoints>(
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

        await informers.RunAsync(async token =>
        {
            HasSynced = true;
            await controller.RunAsync(_options.Workers, token);
        }, ct);
    }
}
