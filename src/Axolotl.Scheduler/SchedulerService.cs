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
/// time as in kube-scheduler. A failure restarts everything with backoff.
/// </summary>
public sealed class SchedulerService(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SchedulerOptions? options = null)
    : BackgroundLoop("scheduler", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<SchedulerService>())
{
    public SchedulerOptions Options { get; } = options ?? new SchedulerOptions();

    /// <summary>The running cycle's scheduler (null before the caches have synced); for diagnostics and tests.</summary>
    public PodScheduler? Current { get; private set; }

    /// <summary>Starts the scheduler off the caller's path; it stops when <paramref name="ct"/> fires or on <see cref="BackgroundLoop.StopAsync"/>.</summary>
    public static Task<SchedulerService> StartAsync(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken ct) =>
        StartAsync(client, loggerFactory, time, new SchedulerOptions(), ct);

    public static Task<SchedulerService> StartAsync(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SchedulerOptions options, CancellationToken ct)
    {
        var service = new SchedulerService(client, loggerFactory, time, options);
        service.Start(ct);
        return Task.FromResult(service);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var pods = new SharedInformer<Pod>(client.Resource<Pod>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.Pods"));
        var nodes = new SharedInformer<Node>(client.Resource<Node>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.Nodes"));
        var claims = new SharedInformer<PersistentVolumeClaim>(client.Resource<PersistentVolumeClaim>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.PersistentVolumeClaims"));
        var volumes = new SharedInformer<PersistentVolume>(client.Resource<PersistentVolume>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.PersistentVolumes"));
        var classes = new SharedInformer<Api.Storage.StorageClass>(client.Resource<Api.Storage.StorageClass>(), Time, loggerFactory.CreateLogger("Axolotl.Informer.StorageClasses"));
        var volumeBinding = new Plugins.VolumeBinding(new ListerVolumeLookup(claims.Lister, volumes.Lister, classes.Lister));
        using var queue = new SchedulingQueue(Time, Options.InitialBackoff, Options.MaxBackoff, Options.MaxUnschedulableDuration);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Options.SchedulerName }, Time, Logger);
        var scheduler = new PodScheduler(client, pods, nodes, queue, recorder, Options, Time, Logger, SchedulingAlgorithm.CreateDefault(volumeBinding))
        {
            Volumes = volumeBinding,
        };
        using var registrations = scheduler.RegisterHandlers();
        // A claim bound, made or given a volume can make a waiting pod schedulable.
        using var claimEvents = claims.AddEventHandler(new ResourceEventHandler<PersistentVolumeClaim>(
            onAdd: _ => queue.MoveAllToActiveOrBackoff(), onUpdate: (_, _) => queue.MoveAllToActiveOrBackoff(), onDelete: _ => queue.MoveAllToActiveOrBackoff()));
        using var volumeEvents = volumes.AddEventHandler(new ResourceEventHandler<PersistentVolume>(
            onAdd: _ => queue.MoveAllToActiveOrBackoff(), onUpdate: (_, _) => queue.MoveAllToActiveOrBackoff()));
        using var classEvents = classes.AddEventHandler(new ResourceEventHandler<Api.Storage.StorageClass>(onAdd: _ => queue.MoveAllToActiveOrBackoff()));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var background = new[]
        {
            Task.Run(() => pods.RunAsync(stop.Token), CancellationToken.None),
            Task.Run(() => nodes.RunAsync(stop.Token), CancellationToken.None),
            Task.Run(() => claims.RunAsync(stop.Token), CancellationToken.None),
            Task.Run(() => volumes.RunAsync(stop.Token), CancellationToken.None),
            Task.Run(() => classes.RunAsync(stop.Token), CancellationToken.None),
        };
        try
        {
            await pods.WaitForSyncAsync(ct);
            await nodes.WaitForSyncAsync(ct);
            await claims.WaitForSyncAsync(ct);
            await volumes.WaitForSyncAsync(ct);
            await classes.WaitForSyncAsync(ct);
            Current = scheduler;
            using var flush = Time.CreateTimer(_ => queue.FlushUnschedulableLeftover(), null, Options.FlushInterval, Options.FlushInterval);
            while (await scheduler.ScheduleOneAsync(ct))
            {
            }
        }
        finally
        {
            Current = null;
            queue.ShutDown();
            SchedulerMetrics.Untrack(queue);
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(background);
            }
            catch (OperationCanceledException)
            {
                // The informers end by cancellation.
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
