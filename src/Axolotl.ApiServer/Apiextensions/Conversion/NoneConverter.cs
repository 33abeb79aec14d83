using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Apiextensions.Conversion;

/// <summary>Strategy None (upstream's nopConverter): the object is the same in every version; only apiVersion changes.</summary>
public sealed class NoneConverter : ICustomResourceConverter
{
    public static NoneConverter Instance { get; } = new();

    public Task<JsonObject> ConvertAsync(JsonObject obj, string desiredApiVersion, CancellationToken ct) =>
        Task.FromResult(CustomResourceVersions.Relabel(obj, desiredApiVersion));

    public Task<IReadOnlyList<JsonObject>> ConvertListAsync(IReadOnlyList<JsonObject> items, string desiredApiVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Task.FromResult<IReadOnlyList<JsonObject>>([.. items.Select(o => CustomResourceVersions.Relabel(o, desiredApiVersion))]);
    }
}
