using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// Converts between the stored form and the form a resource serves. Only events.k8s.io/v1 Events
/// differ: they share core/v1 Events' storage.
/// </summary>
public static class KindViews
{
    public static JsonObject ToView(ResourceType type, JsonObject stored) =>
        ServedDefaults.Apply(type, type == KnownResources.EventsV1 ? EventViews.ToEventsV1(stored) : stored);

    public static JsonObject ToStorage(ResourceType type, JsonObject view) =>
        type == KnownResources.EventsV1 ? EventViews.ToCore(view) : view;
}
