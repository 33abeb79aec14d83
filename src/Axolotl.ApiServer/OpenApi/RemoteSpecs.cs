using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The OpenAPI of aggregated API servers, as last fetched: per remote group/version its OpenAPI v3 document (served at
/// <see cref="RemoteSpec.Path"/> and listed in /openapi/v3), or, from a server without v3, its Swagger 2.0 paths and
/// definitions (merged into /openapi/v2 only). <see cref="Version"/> changes whenever anything here does.
/// </summary>
public sealed record RemoteSpecs(long Version, IReadOnlyList<RemoteSpec> Specs)
{
    public static RemoteSpecs None { get; } = new(0, []);
}

/// <summary>One group/version's document: "apis/GROUP/VERSION", the v3 document or the v2 one, and a hash of what was fetched.</summary>
public sealed record RemoteSpec(string Path, JsonObject? V3, JsonObject? V2, string Hash);
