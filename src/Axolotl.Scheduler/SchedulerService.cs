using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
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
        using var queue = new SchedulingQueue(Time, Options.InitialBackoff, Options.MaxBackoff, Options.MaxUnschedulableDuration);
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Options.SchedulerName }, Time, Logger);
        var scheduler = new PodScheduler(client, pods, nodes, queue, recorder, Options, Time, Logger);
        using var registrations = scheduler.RegisterHandlers();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var background = new[]
        {
            Task.Run(() => pods.RunAsync(stop.Token), CancellationToken.None),
            Task.Run(() => nodes.RunAsync(stop.Token), CancellationToken.None),
        };
        try
        {
            await pods.WaitForSyncAsync(ct);
            await nodes.WaitForSyncAsync(ct);
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
}
