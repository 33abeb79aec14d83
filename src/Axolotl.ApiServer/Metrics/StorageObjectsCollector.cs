using Axolotl.Api.Metrics;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// apiserver_storage_objects{resource}: how many objects of each kind the store holds, counted at
/// scrape time with a one-item list (the store answers the remaining count without reading the rest).
/// Resource is upstream's qualified name ("pods", "deployments.apps", "widgets.example.com"): every
/// resource the catalog serves at scrape time, custom resources included.
/// </summary>
public sealed class StorageObjectsCollector(ObjectStore objects, ResourceCatalog catalog) : IMetricsCollector
{
    public async Task CollectAsync(ExpositionWriter writer, CancellationToken ct)
    {
        var stored = Stored(catalog.All);
        var counts = new List<(string Resource, long Count)>(stored.Count);
        foreach (var type in stored)
        {
            var page = await objects.Store.ListAsync(ObjectStore.Prefix(type, null), 1, null, ct);
            counts.Add((type.QualifiedResource, page.Items.Count + page.RemainingCount));
        }
        writer.Family("apiserver_storage_objects", "[STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.", MetricType.Gauge);
        foreach (var (resource, count) in counts)
        {
            writer.Sample("apiserver_storage_objects", count, "resource", resource);
        }
    }

    private static List<ResourceType> Stored(IReadOnlyList<ResourceType> served) => [.. served
        .Where(t => t.StorageResource.Length > 0)
        .GroupBy(t => t.StorageResource, StringComparer.Ordinal)
        .Select(g => g.First())
        .OrderBy(t => t.QualifiedResource, StringComparer.Ordinal)];
}
