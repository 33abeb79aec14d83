using System.Text.Json.Nodes;
using Axolotl.Api.Events;
using Axolotl.Api.Serialization;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// Serves stored core/v1 Events as events.k8s.io/v1 and back. The read direction renames the stored JSON's fields
/// in place of a typed round trip: the watch cache converts every Event the cluster records (a pod's Scheduled,
/// a node's heartbeat-driven ones), so it must be cheap; it gives what <see cref="EventConversion.ToEventsV1"/>
/// gives for every stored (already canonical) event. Writes keep the typed conversion, which validates.
/// </summary>
public static class EventViews
{
    public static JsonObject ToEventsV1(JsonObject core)
    {
        ArgumentNullException.ThrowIfNull(core);
        var view = new JsonObject
        {
            ["apiVersion"] = EventConversion.ApiVersion,
            ["kind"] = "Event",
            ["metadata"] = core["metadata"] is JsonObject meta ? meta.DeepClone() : new JsonObject(),
        };
        Copy(core, "eventTime", view, "eventTime");
        if (core["series"] is JsonObject series)
        {
            var viewSeries = new JsonObject { ["count"] = series["count"]?.DeepClone() ?? 0 };
            Copy(series, "lastObservedTime", viewSeries, "lastObservedTime");
            view["series"] = viewSeries;
        }
        CopyNonEmpty(core, "reportingComponent", view, "reportingController");
        CopyNonEmpty(core, "reportingInstance", view, "reportingInstance");
        Copy(core, "action", view, "action");
        Copy(core, "reason", view, "reason");
        Copy(core, "involvedObject", view, "regarding");
        Copy(core, "related", view, "related");
        Copy(core, "message", view, "note");
        Copy(core, "type", view, "type");
        Copy(core, "source", view, "deprecatedSource");
        Copy(core, "firstTimestamp", view, "deprecatedFirstTimestamp");
        Copy(core, "lastTimestamp", view, "deprecatedLastTimestamp");
        Copy(core, "count", view, "deprecatedCount");
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

    private static void Copy(JsonObject from, string name, JsonObject to, string target)
    {
        if (from[name] is { } value)
        {
            to[target] = value.DeepClone();
        }
    }

    private static void CopyNonEmpty(JsonObject from, string name, JsonObject to, string target)
    {
        if (from[name] is JsonValue value && !(value.TryGetValue<string>(out var text) && text.Length == 0))
        {
            to[target] = value.DeepClone();
        }
    }
}
