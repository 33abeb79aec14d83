using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The OpenAPI documents as the catalog stands: the built-ins' (built once in the background) plus the
/// custom resources' and the aggregated API servers', rebuilt on the first request after the catalog's or the remote
/// documents' version moved, as <see cref="Discovery.ServedDiscovery"/> does for discovery.
/// </summary>
public sealed class ServedOpenApi(Task<OpenApiV3> builtIns, ResourceCatalog catalog, Func<RemoteSpecs>? remote = null)
{
    private volatile Snapshot? _current;

    public async Task<OpenApiV3> CurrentAsync()
    {
        var version = catalog.Version;
        var specs = remote?.Invoke() ?? RemoteSpecs.None;
        if (_current is { } current && current.Version == version && current.RemoteVersion == specs.Version)
        {
            return current.Documents;
        }
        var baseline = await builtIns;
        var custom = catalog.All.Where(r => r.IsCustom).ToList();
        var documents = (custom.Count == 0 ? baseline : baseline.WithCustom(custom)).WithRemote(specs.Specs);
        // Two requests racing here build the same documents; either may win.
        _current = new Snapshot(version, specs.Version, documents);
        return documents;
    }

    private sealed record Snapshot(long Version, long RemoteVersion, OpenApiV3 Documents);
}
