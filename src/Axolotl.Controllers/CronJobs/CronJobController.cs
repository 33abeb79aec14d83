using Axolotl.Api.Batch;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.CronJobs;

/// <summary>
/// The CronJob controller: informers on CronJobs and Jobs; a CronJob is synced when it changes, when
/// one of its Jobs changes, and at its next scheduled time (the reconciler's requeue). The clock is the
/// injected TimeProvider, so tests (and `axolotl server --testing-cronjob-clock-rate`) run schedules fast.
/// </summary>
public sealed class CronJobController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, CronJobControllerOptions? options = null, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("cronjob-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger("Axolotl.Controllers.CronJob"))
{
    private readonly CronJobControllerOptions _options = options ?? new CronJobControllerOptions();

    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var cronJobs = informers.For<CronJob>();
        var jobs = informers.For<Job>();
        var cronCache = new ListerCache<CronJob>(cronJobs.Lister);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "cronjob-controller" }, Time, Logger);
        var reconciler = new CronJobReconciler(client, cronCache, new ListerCache<Job>(jobs.Lister), events, Time, _options);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);

        informers.AddEventHandler(cronJobs, new ResourceEventHandler<CronJob>(
            onAdd: cj => controller.Enqueue(ObjectKey.Of(cj)),
            onUpdate: (_, cj) => controller.Enqueue(ObjectKey.Of(cj)),
            onDelete: null));
        void JobChanged(Job job)
        {
            if (ControllerRefs.ControllerOf(job) is { } reference && ControllerRefs.Refers(reference, KnownResources.CronJobs))
            {
                controller.Enqueue(new ObjectKey(job.Metadata.Namespace, reference.Name));
            }
        }
        informers.AddEventHandler(jobs, new ResourceEventHandler<Job>(onAdd: JobChanged, onUpdate: (_, job) => JobChanged(job), onDelete: JobChanged));

        await informers.RunAsync(async token =>
        {
            HasSynced = true;
            await controller.RunAsync(_options.Workers, token);
        }, ct);
    }
}
