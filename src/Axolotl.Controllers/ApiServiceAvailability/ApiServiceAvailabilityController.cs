using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ApiServiceAvailability;

/// <summary>
/// Keeps every APIService's Available condition current: on its own changes and on changes of the Service and
/// EndpointSlices it names, and again periodically for remote ones (<see cref="ApiServiceAvailabilityReconciler"/>).
/// Keys are APIService names.
/// </summary>
public sealed class ApiServiceAvailabilityController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, IDiscoveryProbe probe,
    SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("apiservice-availability-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<ApiServiceAvailabilityController>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var apiServices = informers.For<APIService>();
        var services = informers.For<Service>();
        var slices = informers.For<EndpointSlice>();
        var controller = new Controller<string>(Name, new ApiServiceAvailabilityReconciler(client, new ListerCache<APIService>(apiServices.Lister), new ListerCache<Service>(services.Lister),
            new ListerCache<EndpointSlice>(slices.Lister), probe, Time), Time, Logger);

        void ApiServiceChanged(APIService apiService) => controller.Enqueue(apiService.Metadata.Name ?? "");

        // The APIServices behind a Service: few, so a scan of the cache beats an index.
        void ServiceChanged(string? ns, string? name)
        {
            foreach (var apiService in apiServices.Lister.List())
            {
                if (apiService.Spec?.Service is { } reference && reference.Namespace == ns && reference.Name == name)
                {
                    controller.Enqueue(apiService.Metadata.Name ?? "");
                }
            }
        }

        void SliceChanged(EndpointSlice slice) => ServiceChanged(slice.Metadata.Namespace, slice.Metadata.Labels?.GetValueOrDefault(WellKnown.LabelServiceName));

        informers.AddEventHandler(apiServices, new ResourceEventHandler<APIService>(onAdd: ApiServiceChanged, onUpdate: (_, a) => ApiServiceChanged(a)));
        informers.AddEventHandler(services, new ResourceEventHandler<Service>(
            onAdd: s => ServiceChanged(s.Metadata.Namespace, s.Metadata.Name),
            onUpdate: (_, s) => ServiceChanged(s.Metadata.Namespace, s.Metadata.Name),
            onDelete: s => ServiceChanged(s.Metadata.Namespace, s.Metadata.Name)));
        informers.AddEventHandler(slices, new ResourceEventHandler<EndpointSlice>(onAdd: SliceChanged, onUpdate: (_, s) => SliceChanged(s), onDelete: SliceChanged));
        await informers.RunAsync(token => controller.RunAsync(2, token), ct);
    }
}
