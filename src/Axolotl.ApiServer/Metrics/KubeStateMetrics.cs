using Axolotl.Api.Metrics;
using Axolotl.ApiServer.Registry;
using Axolotl.Hosting;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// kube-state-metrics' families, computed at scrape time from the objects the store holds, with its
/// metric and label names so the kubernetes-mixin alerts and dashboards work unchanged (served at
/// /metrics/kube-state-metrics, a job of its own as upstream's separate exporter is). A scrape reads
/// them from <see cref="KubeStateCache"/>, which follows the store from the first scrape on, instead of
/// listing the store each time. Pods beyond
/// <see cref="MaxPods"/> are left out and counted in axolotl_kube_state_metrics_pods_omitted, so a
/// huge cluster cannot make one scrape unbounded. A pod's series are rendered again only when it
/// changed since the previous scrape (<see cref="KubeStatePodCache"/>).
/// </summary>
public sealed class KubeStateMetrics(ObjectStore objects, TimeProvider? clock = null, ILogger? logger = null) : IMetricsCollector, IDisposable
{
    private readonly KubeStatePodCache _pods = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly KubeStateCache _objects = new(objects.Store, clock ?? TimeProvider.System, logger ?? NullLogger<KubeStateMetrics>.Instance);
    private readonly CancellationTokenSource _stop = new();
    private CancellationTokenSource? _following;

    public int MaxPods { get; init; } = 20_000;

    /// <summary>When the cache stops following the store (the server's shutdown); <see cref="Dispose"/> stops it too.</summary>
    public CancellationToken Lifetime { get; init; }

    /// <summary>
    /// How long a scrape waits for the cache to see the writes made before it; after that it answers from
    /// what the cache holds (a store whose revision also counts writes outside its keys, as a shared etcd's
    /// does, may never be caught up with).
    /// </summary>
    public TimeSpan CatchUpTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Pods parsed by the last scrape (the others were written from the cache).</summary>
    internal int LastParsed => _pods.Parsed;

    internal int Cached => _pods.Count;

    public async Task CollectAsync(ExpositionWriter writer, CancellationToken ct)
    {
        var (pods, deployments, nodes) = await ReadAsync(ct);
        IReadOnlyList<StoreEntry> kept = pods.Count > MaxPods ? [.. pods.Take(MaxPods)] : pods;
        IReadOnlyList<RenderedPod> rendered;
        // The registry serialises its scrapes; this guards the cache should one collector serve two registries.
        lock (_lock)
        {
            rendered = _pods.Render(kept);
        }
        KubeStatePods.Write(writer, rendered);
        writer.Family("axolotl_kube_state_metrics_pods_omitted", "Pods left out of this scrape because there were more than the limit.", MetricType.Gauge);
        writer.Sample("axolotl_kube_state_metrics_pods_omitted", pods.Count - kept.Count);
        KubeStateWorkloads.WriteDeployments(writer, [.. deployments.Select(i => i.Value)]);
        KubeStateWorkloads.WriteNodes(writer, [.. nodes.Select(i => i.Value)]);
    }

    /// <summary>The objects, with every write made before the scrape began when the cache catches up in time.</summary>
    private async Task<(IReadOnlyList<StoreEntry> Pods, IReadOnlyList<StoreEntry> Deployments, IReadOnlyList<StoreEntry> Nodes)> ReadAsync(CancellationToken ct)
    {
        StartFollowing();
        var revision = objects.Store.CurrentRevision;
        using var catchUp = Deadline.After(CatchUpTimeout, _clock, ct);
        try
        {
            return await _objects.ReadAsync(revision, catchUp.Token);
        }
        catch (OperationCanceledException) when (catchUp.Passed && !ct.IsCancellationRequested)
        {
            // Behind: answer from the cache once it has its first lists.
            return await _objects.ReadAsync(0, ct);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _following?.Dispose();
        _stop.Dispose();
    }

    private void StartFollowing()
    {
        if (Volatile.Read(ref _following) is not null)
        {
            return;
        }
        var following = CancellationTokenSource.CreateLinkedTokenSource(Lifetime, _stop.Token);
        if (Interlocked.CompareExchange(ref _following, following, null) is null)
        {
            _objects.Start(following.Token);
        }
        else
        {
            following.Dispose();
        }
    }
}
