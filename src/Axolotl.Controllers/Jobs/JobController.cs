using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Jobs;

/// <summary>
/// The Job controller: informers on Jobs and pods feed <see cref="JobEventRouter"/>, which queues
/// Job keys for <see cref="JobReconciler"/> and pods left holding the tracking finalizer for
/// <see cref="OrphanPodReconciler"/>. A failure restarts the loop with fresh informers.
/// </summary>
public sealed class JobController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, JobControllerOptions? options = null, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("job-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger("Axolotl.Controllers.Job"))
{
    private readonly JobControllerOptions _options = options ?? new JobControllerOptions();

    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var jobs = informers.For<Job>();
        var pods = informers.For<Pod>();
        var jobCache = new ListerCache<Job>(jobs.Lister);
        var podCache = new ListerCache<Pod>(pods.Lister);
        var expectations = new ControllerExpectations(Time);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "job-controller" }, Time, Logger);
        var reconciler = new JobReconciler(client, jobCache, podCache, expectations, events, Time, Logger, _options);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);
        var orphans = new Controller<ObjectKey>("job-orphan-pods", new OrphanPodReconciler(client, jobCache, podCache, controller.Enqueue, Logger), Time, Logger);
        var router = new JobEventRouter(jobCache, expectations, reconciler, controller.Enqueue, orphans.Enqueue);
        router.AddOrphanSource(job => podCache.List(job.Metadata.Namespace).Where(p => ControllerRefs.ControllerOf(p)?.Uid == job.Metadata.Uid));

        informers.AddEventHandler(jobs, new ResourceEventHandler<Job>(
            onAdd: router.JobChanged,
            onUpdate: (_, job) => router.JobChanged(job),
            onDelete: router.JobDeleted));
        informers.AddEventHandler(pods, new ResourceEventHandler<Pod>(onAdd: router.PodAdded, onUpdate: router.PodUpdated, onDelete: router.PodDeleted));

        await informers.RunAsync(async token =>
        {
            HasSynced = true;
            await Task.WhenAll(controller.RunAsync(_options.Workers, token), orphans.RunAsync(1, token));
        }, ct);
    }
}
