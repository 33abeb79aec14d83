using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Discovery;

/// <summary>
/// The discovery documents of what the catalog serves now: rebuilt on the first request after a CRD
/// comes or goes (a few milliseconds), shared by every request until the next change.
/// </summary>
public sealed class ServedDiscovery(ResourceCatalog catalog)
{
    private volatile Built _built = new(-1, null!);

    public ResourceCatalog Catalog => catalog;

    public DiscoveryDocuments Current
    {
        get
        {
            var built = _built;
            var version = catalog.Version;
            if (built.Version == version)
            {
                return built.Documents;
            }
            // Two requests racing after a change may both build; either result is the same document.
            var fresh = new Built(version, new DiscoveryDocuments(catalog.All));
            _built = fresh;
            return fresh.Documents;
        }
    }

    private sealed record Built(long Version, DiscoveryDocuments Documents);
}
