using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Endpoints;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.EndpointSlices;

/// <summary>
/// The EndpointSlice controller: informers on Services, Pods and the slices it manages queue Service
/// keys, with no batching delay (upstream's --endpointslice-updates-batch-period defaults to 0), for
/// <see cref="EndpointSliceReconciler"/>. A failure restarts the loop with fresh informers.
/// </summary>
public sealed class EndpointSliceController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, EndpointSliceControllerOptions? options = null)
    : BackgroundLoop("endpointslice-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<EndpointSliceController>())
{
    private readonly EndpointSliceControllerOptions _options = options ?? new EndpointSliceControllerOptions();

    /// <summary>True once the informers of the current run have delivered their first list.</summary>
    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var services = new SharedInformer<Service>(client.Resource<Service>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.endpointslice-controller.services"));
        var pods = new SharedInformer<Pod>(client.Resource<Pod>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.endpointslice-controller.pods"));
        var slices = new SharedInformer<EndpointSlice>(client.Resource<EndpointSlice>(), Time,
            loggerFactory.CreateLogger("Axolotl.Informer.endpointslice-controller.endpointslices"),
            new SharedInformerOptions { LabelSelector = EndpointSliceBuilder.ManagedSelector });
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

        services.AddEventHandler(router.ServiceHandler());
        pods.AddEventHandler(router.PodHandler());
        slices.AddEventHandler(new ResourceEventHandler<EndpointSlice>(
            onAdd: SliceChanged,
            onUpdate: (_, s) => SliceChanged(s),
            onDelete: SliceChanged));

        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new[]
        {
            Task.Run(() => services.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => pods.RunAsync(stopInformers.Token), CancellationToken.None),
            Task.Run(() => slices.RunAsync(stopInformers.Token), CancellationToken.None),
        };
        try
        {
            await Task.WhenAll(services.WaitForSyncAsync(ct), pods.WaitForSyncAsync(ct), slices.WaitForSyncAsync(ct));
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
