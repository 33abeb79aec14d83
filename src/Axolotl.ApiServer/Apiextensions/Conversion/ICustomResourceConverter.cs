using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Apiextensions.Conversion;

/// <summary>
/// Moves custom resources between their CRD's versions (upstream's CRConverter): what the REST layer calls
/// wherever an object crosses from the storage version to the version a client asked for, or back.
/// An object already at the desired apiVersion comes back as it is.
/// </summary>
public interface ICustomResourceConverter
{
    Task<JsonObject> ConvertAsync(JsonObject obj, string desiredApiVersion, CancellationToken ct);

    /// <summary>A list's items, in their order: the ones not yet at <paramref name="desiredApiVersion"/> go in one request.</summary>
    Task<IReadOnlyList<JsonObject>> ConvertListAsync(IReadOnlyList<JsonObject> items, string desiredApiVersion, CancellationToken ct);
}
