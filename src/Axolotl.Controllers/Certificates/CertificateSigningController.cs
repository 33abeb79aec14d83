using Axolotl.Api.Certificates;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Certificates;

/// <summary>
/// kube-controller-manager's csrapproving and csrsigning controllers in one loop: every
/// CertificateSigningRequest that is added or changes is looked at once more (approve, then sign).
/// </summary>
public sealed class CertificateSigningController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, CertificateSigningOptions options, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("csr-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<CertificateSigningController>())
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var requests = informers.For<CertificateSigningRequest>();
        var controller = new Controller<ObjectKey>(Name, new CertificateSigningReconciler(client, requests.Lister, options, Time, Logger), Time, Logger);
        informers.AddEventHandler(requests, new ResourceEventHandler<CertificateSigningRequest>(
            onAdd: csr => controller.Enqueue(ObjectKey.Of(csr)),
            onUpdate: (_, csr) => controller.Enqueue(ObjectKey.Of(csr))));
        await informers.RunAsync(token => controller.RunAsync(1, token), ct);
    }
}
