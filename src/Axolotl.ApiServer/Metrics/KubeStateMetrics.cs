using Axolotl.Api.Metrics;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Rest;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// kube-state-metrics' families, computed at scrape time from the objects the store holds, with its
/// metric and label names so the kubernetes-mixin alerts and dashboards work unchanged (served at
/// /metrics/kube-state-metrics, a job of its own as upstream's separate exporter is). Pods beyond
/// <see cref="MaxPods"/> are left out and counted in axolotl_kube_state_metrics_pods_omitted, so a
/// huge cluster cannot make one scrape unbounded.
/// </summary>
public sealed class KubeStateMetrics(ObjectStore objects) : IMetricsCollector
{
    public int MaxPods { get; init; } = 20_000;

    public async Task CollectAsync(ExpositionWriter writer, CancellationToken ct)
    {
        var pods = await ListAsync(KnownResources.Pods, ct);
        var kept = pods.Count > MaxPods ? pods.GetRange(0, MaxPods) : pods;
        KubeStatePods.Write(writer, kept.Select(KubeStatePod.Parse).ToList());
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
