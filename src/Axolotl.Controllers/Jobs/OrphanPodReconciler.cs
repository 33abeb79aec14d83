using System.Text.Json.Nodes;
using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Jobs;

/// <summary>
/// Takes the tracking finalizer off pods whose Job is gone (or that no Job controls), so that
/// `kubectl delete job` and the garbage collector are never blocked by it (upstream's orphan pod
/// handling). The Job is looked up in the API, not only in the cache, before letting a pod go.
/// </summary>
internal sealed class OrphanPodReconciler(KubeClient client, IObjectCache<Job> jobs, IObjectCache<Pod> pods, Action<ObjectKey> enqueueJob, ILogger logger)
    : IReconciler<ObjectKey>
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var pod = pods.Get(key.Namespace, key.Name);
        if (pod is null || !JobPods.HasTrackingFinalizer(pod))
        {
            return ReconcileResult.Done;
        }
        if (ControllerRefs.ControllerOf(pod) is { } reference && ControllerRefs.Refers(reference, KnownResources.Jobs))
        {
            var cached = jobs.Get(pod.Metadata.Namespace, reference.Name);
            if (cached?.Metadata.Uid == reference.Uid)
            {
                enqueueJob(ObjectKey.Of(cached));
                return ReconcileResult.Done;
            }
            var live = await client.Resource<Job>(KnownResources.Jobs).TryGetAsync(pod.Metadata.Namespace, reference.Name, ct);
            if (live?.Metadata.Uid == reference.Uid)
            {
                // The cache is behind; the Job's own sync will handle the pod.
                return ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(1));
            }
        }
        var finalizers = (pod.Metadata.Finalizers ?? []).Where(f => f != Job.TrackingFinalizer).Select(f => (JsonNode?)f).ToArray();
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = pod.Metadata.ResourceVersion, ["finalizers"] = finalizers.Length == 0 ? null : new JsonArray(finalizers) },
        };
        try
        {
            await client.Resource<Pod>().PatchAsync(pod.Metadata.Namespace, pod.Metadata.Name ?? "", PatchType.Merge, patch, ct);
            JobLog.OrphanFinalizerRemoved(logger, pod.Metadata.Namespace, pod.Metadata.Name);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
        }
        return ReconcileResult.Done;
    }
}
