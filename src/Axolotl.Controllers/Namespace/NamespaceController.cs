using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Namespace;

/// <summary>
/// Watches Namespaces (the process's shared informer when given one) and hands every terminating one to
/// <see cref="NamespaceReconciler"/>. A failure restarts the loop with backoff.
/// </summary>
public sealed class NamespaceController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, NamespaceControllerOptions? options = null,
    SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("namespace-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<NamespaceController>())
{
    private readonly NamespaceControllerOptions _options = options ?? new NamespaceControllerOptions();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var controller = new Controller<string>(Name, new NamespaceReconciler(client, Logger, _options), Time, Logger);
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var namespaces = informers.For<Api.Core.Namespace>();

        void EnqueueIfTerminating(Api.Core.Namespace ns)
        {
            if (ns.Metadata.DeletionTimestamp is not null && ns.Metadata.Name is { } name)
            {
                controller.Enqueue(name);
            }
        }

        informers.AddEventHandler(namespaces, new ResourceEventHandler<Api.Core.Namespace>(
            onAdd: EnqueueIfTerminating,
            onUpdate: (_, ns) => EnqueueIfTerminating(ns)));

        await informers.RunAsync(token => controller.RunAsync(_options.Workers, token), ct);
    }
}
