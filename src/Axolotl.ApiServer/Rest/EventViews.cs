using System.Text.Json.Nodes;
using Axolotl.Api.Events;
using Axolotl.Api.Serialization;

namespace Axolotl.ApiServer.Rest;

/// <summary>Serves stored core/v1 Events as events.k8s.io/v1 and back, through the typed conversion.</summary>
public static class EventViews
{
    public static JsonObject ToEventsV1(JsonObject core)
    {
        var typed = KubeJson.FromNode<Axolotl.Api.Core.Event>(core) ?? throw new InvalidDataException("stored event is null");
        var view = KubeJson.ToNode(EventConversion.ToEventsV1(typed));
        view["apiVersion"] = "events.k8s.io/v1";
        view["kind"] = "Event";
        return view;
    }

    public static JsonObject ToCore(JsonObject eventsV1)
    {
        var typed = KubeJson.FromNode<Event>(eventsV1) ?? throw new InvalidDataException("event is null");
        var core = KubeJson.ToNode(EventConversion.ToCore(typed));
        core["apiVersion"] = "v1";
        core["kind"] = "Event";
        return core;
    }
}
