using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// The node's view of Services for container environments (the kubelet's service lister). A
/// container waits until the Services have been read once, as the kubelet refuses to build an
/// environment before (its variables would be missing for good: the environment is fixed at start).
/// </summary>
public sealed class ServiceEnvironment(KubeClient client, TimeProvider time, ILogger logger)
{
    private readonly SharedInformer<Service> _informer = new(client.Resource<Service>(), time, logger);

    public Task RunAsync(CancellationToken ct) => _informer.RunAsync(ct);

    public async Task<List<KeyValuePair<string, string>>> ForPodAsync(Pod pod, CancellationToken ct)
    {
        if (!_informer.HasSynced)
        {
            await _informer.WaitForSyncAsync(ct);
        }
        return ServiceEnvVars.ForPod(_informer.Lister.List(), pod.Metadata.Namespace ?? "default", pod.Spec?.EnableServiceLinks ?? true);
    }
}
