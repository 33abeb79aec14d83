using Axolotl.Api.Batch;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Jobs;

/// <summary>
/// Deletes finished Jobs whose ttlSecondsAfterFinished has run out (upstream's
/// ttl-after-finished-controller), with foreground propagation so their pods go first.
/// </summary>
public sealed class TtlAfterFinishedController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("ttl-after-finished-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger("Axolotl.Controllers.TtlAfterFinished"))
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var jobs = informers.For<Job>();
        var reconciler = new TtlAfterFinishedReconciler(client, new ListerCache<Job>(jobs.Lister), Time, Logger);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        informers.AddEventHandler(jobs, new ResourceEventHandler<Job>(
            onAdd: job => { if (TtlAfterFinishedReconciler.NeedsCleanup(job)) { controller.Enqueue(ObjectKey.Of(job)); } },
            onUpdate: (_, job) => { if (TtlAfterFinishedReconciler.NeedsCleanup(job)) { controller.Enqueue(ObjectKey.Of(job)); } },
            onDelete: null));
        await informers.RunAsync(async token =>
        {
            await controller.RunAsync(1, token);
        }, ct);
    }
}

/// <summary>One finished Job with a TTL: delete it when the TTL has passed, else look again then.</summary>
public sealed class TtlAfterFinishedReconciler(KubeClient client, IObjectCache<Job> jobs, TimeProvider time, ILogger logger) : IReconciler<ObjectKey>
{
    public static bool NeedsCleanup(Job job) =>
        job.Spec?.TtlSecondsAfterFinished is not null && job.Metadata.DeletionTimestamp is null && JobConditions.IsFinished(job.Status);

    /// <summary>When the job finished: completionTime, else the Complete/Failed condition's transition.</summary>
    public static DateTimeOffset? FinishedAt(Job job) =>
        job.Status?.CompletionTime ??
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is JobConditions.Complete or JobConditions.Failed && c.Status == "True")?.LastTransitionTime;

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var job = jobs.Get(key.Namespace, key.Name);
        if (job is null || !NeedsCleanup(job) || FinishedAt(job) is not { } finished)
        {
            return ReconcileResult.Done;
        }
        var ttl = job.Spec!.TtlSecondsAfterFinished!.Value;
        var now = time.GetUtcNow();
        var expireAt = finished.AddSeconds(ttl);
        if (now < expireAt)
        {
            return ReconcileResult.RequeueAfter(expireAt - now);
        }
        // Read it again: the TTL may have been changed (or the job replaced) since the cache saw it.
        var fresh = await client.Resource<Job>(KnownResources.Jobs).TryGetAsync(key.Namespace, key.Name, ct);
        if (fresh is null || fresh.Metadata.Uid != job.Metadata.Uid || !NeedsCleanup(fresh) || FinishedAt(fresh) is not { } freshFinished)
        {
            return ReconcileResult.Done;
        }
        var freshExpire = freshFinished.AddSeconds(fresh.Spec!.TtlSecondsAfterFinished!.Value);
        if (now < freshExpire)
        {
            return ReconcileResult.RequeueAfter(freshExpire - now);
        }
        JobLog.TtlExpired(logger, key.Namespace, key.Name, (now - freshFinished).TotalSeconds, fresh.Spec.TtlSecondsAfterFinished.Value);
        try
        {
            await client.Resource<Job>(KnownResources.Jobs).DeleteAsync(key.Namespace, key.Name,
                new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground, Preconditions = new Preconditions { Uid = fresh.Metadata.Uid, ResourceVersion = fresh.Metadata.ResourceVersion } }, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
        {
            return e.IsConflict ? ReconcileResult.Requeue : ReconcileResult.Done;
        }
        return ReconcileResult.Done;
    }
}
