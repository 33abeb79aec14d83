using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The OpenAPI documents as the catalog stands: the built-ins' (built once in the background) plus the
/// custom resources', rebuilt on the first request after the catalog's version moved, as
/// <see cref="Discovery.ServedDiscovery"/> does for discovery.
/// </summary>
public sealed class ServedOpenApi(Task<OpenApiV3> builtIns, ResourceCatalog catalog)
{
    private volatile Snapshot? _current;

    public async Task<OpenApiV3> CurrentAsync()
    {
        var version = catalog.Version;
        if (_current is { } current && current.Version == version)
        {
            return current.Documents;
        }
        var baseline = await builtIns;
        var custom = catalog.All.Where(r => r.IsCustom).ToList();
        var documents = custom.Count == 0 ? baseline : baseline.WithCustom(custom);
        // Two requests racing here build the same documents; either may win.
        _current = new Snapshot(version, documents);
        return documents;
    }

    private sealed record Snapshot(long Version, OpenApiV3 Documents);
}
