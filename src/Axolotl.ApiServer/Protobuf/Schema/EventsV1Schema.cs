namespace Axolotl.ApiServer.Protobuf.Schema;

// Written by hand from kubernetes/api events/v1 types.go (protobuf tags for numbers, json tags for names): client-go's
// events broadcaster (tools/events) records events.k8s.io/v1 Events with the client's content type.

/// <summary>Protobuf → JSON field tables for events.k8s.io/v1: Event.</summary>
internal static class EventsV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("events.v1");
        s.Message("Event")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .MicroTime(2, "eventTime")
            .Msg(3, "series", "EventSeries")
            .Str(4, "reportingController")
            .Str(5, "reportingInstance")
            .Str(6, "action")
            .Str(7, "reason")
            .Msg(8, "regarding", "core.v1.ObjectReference")
            .Msg(9, "related", "core.v1.ObjectReference")
            .Str(10, "note")
            .Str(11, "type")
            .Msg(12, "deprecatedSource", "core.v1.EventSource")
            .Time(13, "deprecatedFirstTimestamp")
            .Time(14, "deprecatedLastTimestamp")
            .Int(15, "deprecatedCount");
        s.Message("EventSeries")
            .Int(1, "count", Zero.Keep)
            .MicroTime(2, "lastObservedTime");
    }
}
