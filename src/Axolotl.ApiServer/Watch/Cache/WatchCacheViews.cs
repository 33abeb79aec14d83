using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// What the cache needs to know of the REST layer: a kind's served view of a stored object and its field
/// labels. Handed in by the host, so that the cache does not reach into <c>Rest</c> (which serves the
/// watches that read the cache).
/// </summary>
public sealed record WatchCacheViews(
    Func<ResourceType, JsonObject, JsonObject> ToView,
    Func<ResourceType, IReadOnlyList<string>> FieldLabelsOf,
    Func<JsonObject, string, string?> FieldValue);
