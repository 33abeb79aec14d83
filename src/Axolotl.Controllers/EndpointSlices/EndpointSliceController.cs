using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Endpoints;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.EndpointSlices;

/// <summary>
/// The EndpointSlice controller: informers on Services, Pods and the slices it manages queue Service
/// keys, with no batching delay (upstream's --endpointslice-updates-batch-period defaults to 0), for
/// <see cref="EndpointSliceReconciler"/>. A failure restarts the loop with fresh informers.
/// </summary>
public sealed class EndpointSliceController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, EndpointSliceControllerOptions? options = null, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("endpointslice-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<EndpointSliceController>())
{
    private readonly EndpointSliceControllerOptions _options = options ?? new EndpointSliceControllerOptions();

    /// <summary>True once the informers of the current run have delivered their first list.</summary>
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var services = informers.For<Service>();
        var pods = informers.For<Pod>();
        var slices = informers.For<EndpointSlice>(labelSelector: EndpointSliceBuilder.ManagedSelector);
        var reconciler = new EndpointSliceReconciler(client, services.Lister, pods.Lister, slices.Lister,
            new TriggerTimeTracker(), new WrittenVersions(Time), _options, Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var router = new ServiceEventRouter(services.Lister, controller.Enqueue);

        void SliceChanged(EndpointSlice slice)
        {
            if (slice.Metadata.Labels?.GetValueOrDefault(WellKnown.LabelServiceName) is { Length: > 0 } service)
            {
                controller.Enqueue(new ObjectKey(slice.Metadata.Namespace, service));
            }
        }

        informers.AddEventHandler(services, router.ServiceHandler());
        informers.AddEventHandler(pods, router.PodHandler());
        informers.AddEventHandler(slices, new ResourceEventHandler<EndpointSlice>(
            onAdd: SliceChanged,
            onUpdate: (_, s) => SliceChanged(s),
            onDelete: SliceChanged));

        await informers.RunAsync(async token =>
        {
            HasSynced = true;
            await controller.RunAsync(_options.Workers, token);
        }, ct);
    }
}
