using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Apiextensions.Conversion;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// The seam where objects cross versions in the REST handlers: <see cref="KindViews"/> for built-in
/// kinds, and for custom resources the CRD's converter (strategy None relabels; strategy Webhook asks
/// the CRD's conversion webhook, which may fail the request).
/// </summary>
public sealed class ObjectViews(CustomResourceConverters converters)
{
    public Task<JsonObject> ToViewAsync(ResourceType type, JsonObject stored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Custom is { } shape ? converters.For(shape).ConvertAsync(stored, type.ApiVersion, ct) : Task.FromResult(KindViews.ToView(type, stored));
    }

    /// <summary>A list's items at the served version: one conversion request for all of a custom resource's.</summary>
    public async Task<IReadOnlyList<JsonObject>> ToViewsAsync(ResourceType type, IReadOnlyList<JsonObject> stored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(stored);
        return type.Custom is { } shape
            ? await converters.For(shape).ConvertListAsync(stored, type.ApiVersion, ct)
            : [.. stored.Select(o => KindViews.ToView(type, o))];
    }

    public Task<JsonObject> ToStorageAsync(ResourceType type, JsonObject view, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Custom is { } shape
            ? converters.For(shape).ConvertAsync(view, $"{type.Group}/{shape.StorageVersion}", ct)
            : Task.FromResult(KindViews.ToStorage(type, view));
    }

    /// <summary>
    /// True when serving <paramref name="type"/> asks a conversion webhook: the watch cache, which converts
    /// each event once and synchronously, does not serve it; each watcher converts what it sends.
    /// </summary>
    public static bool AsksWebhook(ResourceType type) =>
        type?.Custom is { Conversion.IsWebhook: true } shape && type.Version != shape.StorageVersion;
}
