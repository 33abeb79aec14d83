using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Apiextensions;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// Converts between the stored form and the form a resource serves: events.k8s.io/v1 Events share
/// core/v1 Events' storage, autoscaling/v1 HorizontalPodAutoscalers are stored as autoscaling/v2, and a
/// custom resource is stored at its CRD's storage version and served at the version asked for.
/// </summary>
public static class KindViews
{
    public static JsonObject ToView(ResourceType type, JsonObject stored) =>
        type.IsCustom ? CustomResourceVersions.Relabel(stored, type.ApiVersion)
            : ServedDefaults.Apply(type, type == KnownResources.EventsV1 ? EventViews.ToEventsV1(stored)
                : type == KnownResources.HorizontalPodAutoscalersV1 ? AutoscalingViews.ToV1(stored) : stored);

    public static JsonObject ToStorage(ResourceType type, JsonObject view) =>
        type.Custom is { } shape ? CustomResourceVersions.Relabel(view, $"{type.Group}/{shape.StorageVersion}")
            : type == KnownResources.EventsV1 ? EventViews.ToCore(view)
            : type == KnownResources.HorizontalPodAutoscalersV1 ? AutoscalingViews.ToV2(view) : view;
}
