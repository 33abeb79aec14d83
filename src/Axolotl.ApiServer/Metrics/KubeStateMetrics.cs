using Axolotl.Api.Metrics;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// kube-state-metrics' families, computed at scrape time from the objects the store holds, with its
/// metric and label names so the kubernetes-mixin alerts and dashboards work unchanged (served at
/// /metrics/kube-state-metrics, a job of its own as upstream's separate exporter is). Pods beyond
/// <see cref="MaxPods"/> are left out and counted in axolotl_kube_state_metrics_pods_omitted, so a
/// huge cluster cannot make one scrape unbounded. A pod's series are rendered again only when it
/// changed since the previous scrape (<see cref="KubeStatePodCache"/>).
/// </summary>
public sealed class KubeStateMetrics(ObjectStore objects) : IMetricsCollector
{
    private readonly KubeStatePodCache _pods = new();
    private readonly Lock _lock = new();

    public int MaxPods { get; init; } = 20_000;

    /// <summary>Pods parsed by the last scrape (the others were written from the cache).</summary>
    internal int LastParsed => _pods.Parsed;

    internal int Cached => _pods.Count;

    public async Task CollectAsync(ExpositionWriter writer, CancellationToken ct)
    {
        var page = await objects.Store.ListAsync(ObjectStore.Prefix(KnownResources.Pods, null), 0, null, ct);
        var pods = page.Items;
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
        KubeStateWorkloads.WriteDeployments(writer, await ListAsync(KnownResources.Deployments, ct));
        KubeStateWorkloads.WriteNodes(writer, await ListAsync(KnownResources.Nodes, ct));
    }

    private async Task<List<ReadOnlyMemory<byte>>> ListAsync(ResourceType type, CancellationToken ct)
    {
        var page = await objects.Store.ListAsync(ObjectStore.Prefix(type, null), 0, null, ct);
        return [.. page.Items.Select(i => i.Value)];
    }
}
