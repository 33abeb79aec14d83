using Axolotl.Api.Autoscaling;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.PodAutoscaler;

/// <summary>
/// Upstream's horizontal pod autoscaler loop: every sync period (15 s, --horizontal-pod-autoscaler-sync-period)
/// each HorizontalPodAutoscaler is reconciled (<see cref="HorizontalPodAutoscalerReconciler"/>). Its
/// behavior history (recommendations, scale events) lives here, keyed by the HPA's UID, and goes
/// with the HPA.
/// </summary>
public sealed partial class HorizontalPodAutoscalerController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, TimeSpan syncPeriod)
    : BackgroundLoop("horizontal-pod-autoscaler", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<HorizontalPodAutoscalerController>())
{
    public static readonly TimeSpan DefaultSyncPeriod = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "horizontal-pod-autoscaler" }, Time, Logger);
        var reconciler = new HorizontalPodAutoscalerReconciler(client, events, Time);
        using var timer = new PeriodicTimer(syncPeriod, Time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            KubeList<HorizontalPodAutoscaler> list;
            try
            {
                list = await client.Resource<HorizontalPodAutoscaler>().ListAllAsync(null, null, ct);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException)
            {
                LogListFailed(Logger, e.Message);
                continue;
            }
            reconciler.Forget(list.Items.Select(h => h.Metadata.Uid ?? ""));
            foreach (var hpa in list.Items)
            {
                try
                {
                    await reconciler.ReconcileAsync(hpa, ct);
                }
                catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException)
                {
                    // The next period tries again with fresh objects (a conflict here only means someone wrote first).
                    LogReconcileFailed(Logger, hpa.Metadata.Namespace, hpa.Metadata.Name, e.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "listing HorizontalPodAutoscalers failed: {Error}")]
    private static partial void LogListFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "HorizontalPodAutoscaler {Namespace}/{Name}: {Error}")]
    private static partial void LogReconcileFailed(ILogger logger, string? @namespace, string? name, string error);
}
