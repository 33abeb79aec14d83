using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Apiextensions;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Autoregister;

/// <summary>
/// kube-apiserver's autoregistration, as an API client: a Local APIService for every built-in group/version this
/// binary serves (label <c>onstart</c>, synced once per start) and for every served version of a
/// CustomResourceDefinition (label <c>"true"</c>, kept while the CRD serves it and deleted when it stops).
/// Upstream runs it inside each kube-apiserver over loopback; here it runs with the controllers, on the server
/// holding their Lease (the built-ins are the same in every server of one binary). Keys are APIService names.
/// </summary>
public sealed class AutoregisterController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("autoregister-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<AutoregisterController>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var apiServices = informers.For<APIService>();
        var crds = informers.For<CustomResourceDefinition>();
        var reconciler = new AutoregisterReconciler(client, new ListerCache<APIService>(apiServices.Lister), new ListerCache<CustomResourceDefinition>(crds.Lister), BuiltInApiServices.All);
        var controller = new Controller<string>(Name, reconciler, Time, Logger);

        void ApiServiceChanged(APIService apiService) => controller.Enqueue(apiService.Metadata.Name ?? "");

        void CrdChanged(CustomResourceDefinition crd)
        {
            foreach (var name in CustomResourceApiServices.Names(crd))
            {
                controller.Enqueue(name);
            }
        }

        informers.AddEventHandler(apiServices, new ResourceEventHandler<APIService>(onAdd: ApiServiceChanged, onUpdate: (_, a) => ApiServiceChanged(a), onDelete: ApiServiceChanged));
        // Both the old and the new CRD: a version it stopped serving must lose its APIService.
        informers.AddEventHandler(crds, new ResourceEventHandler<CustomResourceDefinition>(onAdd: CrdChanged, onUpdate: (old, crd) =>
        {
            CrdChanged(old);
            CrdChanged(crd);
        }, onDelete: CrdChanged));
        await informers.RunAsync(token =>
        {
            // The caches hold every CRD before the first decision, so no CRD's APIService is deleted for want of it.
            reconciler.RecordPresentAtStart(apiServices.Lister.List().Select(a => a.Metadata.Name ?? ""));
            foreach (var name in reconciler.AllNames())
            {
                controller.Enqueue(name);
            }
            return controller.RunAsync(2, token);
        }, ct);
    }
}
