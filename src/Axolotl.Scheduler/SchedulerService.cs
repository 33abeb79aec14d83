using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Hosting;
using Axolotl.Scheduler.Queue;
using Microsoft.Extensions.Logging;

namespace Axolotl.Scheduler;

/// <summary>
/// The scheduler as a background loop: informers on pods and nodes (reached only through
/// <see cref="KubeClient"/>), the scheduling queue, the event writer, and one scheduling cycle at a
/// time as in kube-scheduler. A failure restarts it with backoff: a fresh queue and cache of assumed pods on
/// the same informers (the process's shared ones when given <paramref name="informerFactory"/>, else its own).
/// </summary>
public sealed class SchedulerService(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SchedulerOptions? options = null,
    SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("scheduler", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<SchedulerService>())
{
    /// <summary>
    /// Scheduled and FailedScheduling events written at once: upstream's events.k8s.io broadcaster writes each on a
    /// goroutine of its own, so a burst of bindings does not overflow the 1,000-event queue (one writer dropped 8,183 of
    /// 10,000 Scheduled events at 160 bindings a second).
    /// </summary>
    private const int SchedulerEventWriters = 16;

    public SchedulerOptions Options { get; } = options ?? new SchedulerOptions();

    /// <summary>The running cycle's scheduler (null before the caches have synced); for diagnostics and tests.</summary>
    public PodScheduler? Current { get; private set; }

    /// <summary>Starts the scheduler off the caller's path; it stops when <paramref name="ct"/> fires or on <see cref="BackgroundLoop.StopAsync"/>.</summary>
    public static Task<SchedulerService> StartAsync(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken ct) =>
        StartAsync(client, loggerFactory, time, new SchedulerOptions(), ct);

    public static Task<SchedulerService> StartAsync(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SchedulerOptions options, CancellationToken ct) =>
        StartAsync(client, null, loggerFactory, time, options, ct);

    /// <summary>Starts the scheduler on <paramref name="informers"/>, the process's shared informers (started by their owner); null: its own.</summary>
    public static Task<SchedulerService> StartAsync(KubeClient client, SharedInformerFactory? informers, ILoggerFactory loggerFactory, TimeProvider time,
        SchedulerOptions options, CancellationToken ct)
    {
        var service = new SchedulerService(client, loggerFactory, time, options, informers);
        service.Start(ct);
        return Task.FromResult(service);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var own = informerFactory is null ? new SharedInformerFactory(client, loggerFactory, Time) : null;
        var informers = informerFactory ?? own!;
        var pods = informers.For<Pod>();
        var nodes = informers.For<Node>();
        var claims = informers.For<PersistentVolumeClaim>();
        var volumes = informers.For<PersistentVolume>();
        var classes = informers.For<Api.Storage.StorageClass>();
        var namespaces = informers.For<Namespace>();
        var budgets = informers.For<Api.Policy.PodDisruptionBudget>();
        // What the system default spread constraints select a pod's set by (upstream's DefaultSelector).
        var services = informers.For<Service>();
        var replicationControllers = informers.For<ReplicationController>();
        var replicaSets = informers.For<Api.Apps.ReplicaSet>();
        var statefulSets = informers.For<Api.Apps.StatefulSet>();
        var defaultSpread = new Framework.DefaultSpreadSelector(ns => services.Lister.List(ns), replicationControllers.Lister.Get, replicaSets.Lister.Get, statefulSets.Lister.Get);
        var volumeBinding = new Plugins.VolumeBinding(new ListerVolumeLookup(claims.Lister, volumes.Lister, classes.Lister));
        using var queue = new SchedulingQueue(Time, Options.InitialBackoff, Options.MaxBackoff, Options.MaxUnschedulableDuration);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Options.SchedulerName, ParallelWrites = SchedulerEventWriters }, Time, Logger);
        var scheduler = new PodScheduler(client, pods, nodes, queue, recorder, Options, Time, Logger, SchedulingAlgorithm.CreateDefault(volumeBinding, name => namespaces.Lister.Get(null, name)?.Metadata.Labels, defaultSpread))
        {
            Volumes = volumeBinding,
            DisruptionBudgets = () => budgets.Lister.List(),
        };
        // Handlers are this cycle's: removed before the queue shuts down, as the informers may be shared and run on.
        IDisposable[] registrations =
        [
            scheduler.RegisterHandlers(),
            // A claim bound, made or given a volume can make a waiting pod schedulable.
            claims.AddEventHandler(new ResourceEventHandler<PersistentVolumeClaim>(
                onAdd: _ => queue.MoveAllToActiveOrBackoff(), onUpdate: (_, _) => queue.MoveAllToActiveOrBackoff(), onDelete: _ => queue.MoveAllToActiveOrBackoff())),
            volumes.AddEventHandler(new ResourceEventHandler<PersistentVolume>(
                onAdd: _ => queue.MoveAllToActiveOrBackoff(), onUpdate: (_, _) => queue.MoveAllToActiveOrBackoff())),
            classes.AddEventHandler(new ResourceEventHandler<Api.Storage.StorageClass>(onAdd: _ => queue.MoveAllToActiveOrBackoff())),
            // A namespace labelled anew can match a pod affinity term's namespaceSelector.
            namespaces.AddEventHandler(new ResourceEventHandler<Namespace>(onUpdate: (before, after) =>
            {
                if (!Cache.NodeInfoCache.SameLabels(before.Metadata.Labels, after.Metadata.Labels))
                {
                    queue.MoveAllToActiveOrBackoff();
                }
            })),
        ];

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Informers of its own run with this cycle; shared ones were started by the process.
        own?.Start(stop.Token);
        try
        {
            await pods.WaitForSyncAsync(ct);
            await nodes.WaitForSyncAsync(ct);
            await claims.WaitForSyncAsync(ct);
            await volumes.WaitForSyncAsync(ct);
            await classes.WaitForSyncAsync(ct);
            await namespaces.WaitForSyncAsync(ct);
            await budgets.WaitForSyncAsync(ct);
            await services.WaitForSyncAsync(ct);
            await replicationControllers.WaitForSyncAsync(ct);
            await replicaSets.WaitForSyncAsync(ct);
            await statefulSets.WaitForSyncAsync(ct);
            Current = scheduler;
            using var flush = Time.CreateTimer(_ => queue.FlushUnschedulableLeftover(), null, Options.FlushInterval, Options.FlushInterval);
            while (await scheduler.ScheduleOneAsync(ct))
            {
            }
        }
        finally
        {
            Current = null;
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
            queue.ShutDown();
            SchedulerMetrics.Untrack(queue);
            await stop.CancelAsync();
            if (own is not null)
            {
                await own.WhenStoppedAsync();
            }
        }
    }

    private sealed class ListerVolumeLookup(Lister<PersistentVolumeClaim> claims, Lister<PersistentVolume> volumes, Lister<Api.Storage.StorageClass> classes)
        : Plugins.IVolumeLookup
    {
        public PersistentVolumeClaim? Claim(string ns, string name) => claims.Get(ns, name);

        public PersistentVolume? Volume(string name) => volumes.Get(null, name);

        public Api.Storage.StorageClass? Class(string name) => classes.Get(null, name);
    }
}
