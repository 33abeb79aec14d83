using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Namespace;

/// <summary>
/// Watches Namespaces and hands every terminating one to <see cref="NamespaceReconciler"/>.
/// A failure restarts the loop (fresh informer) with backoff.
/// </summary>
public sealed class NamespaceController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, NamespaceControllerOptions? options = null)
    : BackgroundLoop("namespace-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<NamespaceController>())
{
    private readonly NamespaceControllerOptions _options = options ?? new NamespaceControllerOptions();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var controller = new Controller<string>(Name, new NamespaceReconciler(client, Logger, _options), Time, Logger);
        var informer = new SharedInformer<Unstructured>(client.Resource<Unstructured>(KnownResources.Namespaces), Time,
            loggerFactory.CreateLogger("Axolotl.Informer.Namespaces"));

        void EnqueueIfTerminating(Unstructured ns)
        {
            if (ns.Metadata.DeletionTimestamp is not null && ns.Metadata.Name is { } name)
            {
                controller.Enqueue(name);
            }
        }

        informer.AddEventHandler(new ResourceEventHandler<Unstructured>(
            onAdd: EnqueueIfTerminating,
            onUpdate: (_, ns) => EnqueueIfTerminating(ns)));

        using var stopInformer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = Task.Run(() => informer.RunAsync(stopInformer.Token), CancellationToken.None);
        try
        {
            await informer.WaitForSyncAsync(ct);
            await controller.RunAsync(_options.Workers, ct);
        }
        finally
        {
            await stopInformer.CancelAsync();
            await running;
        }
    }
}
