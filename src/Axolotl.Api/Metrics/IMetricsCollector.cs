namespace Axolotl.Api.Metrics;

/// <summary>
/// Families computed at scrape time from state the owner already holds (the objects of the store,
/// cgroup readings), written straight to the exposition rather than through instruments: a pod that
/// is gone must vanish from the next scrape, which instruments cannot express.
/// </summary>
public interface IMetricsCollector
{
    Task CollectAsync(ExpositionWriter writer, CancellationToken ct);
}
