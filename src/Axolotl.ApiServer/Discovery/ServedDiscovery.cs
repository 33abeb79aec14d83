using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Discovery;

/// <summary>
/// The discovery documents of what the catalog serves now and what aggregated API servers list: rebuilt on the first
/// request after a CRD or an APIService's list comes, changes or goes (a few milliseconds), shared by every request
/// until the next change.
/// </summary>
public sealed class ServedDiscovery(ResourceCatalog catalog, Func<AggregatedApis>? aggregated = null)
{
    private volatile Built _built = new(-1, -1, null!);

    public ResourceCatalog Catalog => catalog;

    /// <summary>The aggregated API servers' view now (none where a test builds discovery without them).</summary>
    public AggregatedApis Aggregated => aggregated?.Invoke() ?? AggregatedApis.None;

    public DiscoveryDocuments Current
    {
        get
        {
            var built = _built;
            var version = catalog.Version;
            var remote = Aggregated;
            if (built.Version == version && built.RemoteVersion == remote.Version)
            {
                return built.Documents;
            }
            // Two requests racing after a change may both build; either result is the same document.
            var fresh = new Built(version, remote.Version, new DiscoveryDocuments(catalog.All, remote));
            _built = fresh;
            return fresh.Documents;
        }
    }

    private sealed record Built(long Version, long RemoteVersion, DiscoveryDocuments Documents);
}
