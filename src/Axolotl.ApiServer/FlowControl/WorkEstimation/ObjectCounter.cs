using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>
/// Counts every stored resource's objects into the <see cref="ObjectCountTracker"/> (<see cref="CountAllAsync"/>, which the
/// server calls once before it serves) and then every
/// <see cref="Period"/>, as kube-apiserver polls storage every --etcd-count-metric-poll-period (one minute): one
/// one-item list per resource, whose remaining count the store answers without reading the rest. Resources sharing
/// storage (core and events.k8s.io Events) share a count. A resource whose count fails keeps its last one, which goes
/// stale after three minutes.
/// </summary>
public sealed class ObjectCounter(ObjectStore objects, ResourceCatalog catalog, ObjectCountTracker tracker, TimeSpan period, TimeProvider clock, ILogger logger)
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromMinutes(1);

    public TimeSpan Period => period;

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(period, clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            await CountAllAsync(ct);
            tracker.Prune();
        }
    }

    public async Task CountAllAsync(CancellationToken ct)
    {
        foreach (var shared in catalog.All.Where(t => t.StorageResource.Length > 0).GroupBy(t => t.StorageResource, StringComparer.Ordinal))
        {
            long count;
            try
            {
                var page = await objects.Store.ListAsync(ObjectStore.Prefix(shared.First(), null), 1, null, ct);
                count = page.Items.Count + page.RemainingCount;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.LogDebug("counting {Resource} for flow control failed ({Message})", shared.Key, e.Message);
                }
                continue;
            }
            foreach (var resource in shared.Select(t => t.QualifiedResource).Distinct(StringComparer.Ordinal))
            {
                tracker.Set(resource, count);
            }
        }
    }
}
