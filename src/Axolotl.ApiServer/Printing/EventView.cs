using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// The fields the event table shows. Upstream prints both core/v1 and events.k8s.io/v1 Events from one internal
/// type; this is that common shape, filled from either wire form.
/// </summary>
internal sealed record EventView(
    JsonObject Object,
    DateTimeOffset? FirstTimestamp,
    DateTimeOffset? LastTimestamp,
    DateTimeOffset? EventTime,
    long Count,
    JsonNode? Series,
    string Type,
    string Reason,
    JsonNode? InvolvedObject,
    JsonNode? Source,
    string ReportingController,
    string ReportingInstance,
    string Message)
{
    public static EventView FromCore(JsonObject e) => new(
        e,
        e.Get("firstTimestamp").AsTime(),
        e.Get("lastTimestamp").AsTime(),
        e.Get("eventTime").AsTime(),
        e.Get("count").Number(),
        e.Get("series"),
        e.Get("type").Text(),
        e.Get("reason").Text(),
        e.Get("involvedObject"),
        e.Get("source"),
        e.Get("reportingComponent").Text(),
        e.Get("reportingInstance").Text(),
        e.Get("message").Text());

    /// <summary>events.k8s.io/v1 renames: regarding, note, deprecated* timestamps, count and source, reportingController.</summary>
    public static EventView FromEventsV1(JsonObject e) => new(
        e,
        e.Get("deprecatedFirstTimestamp").AsTime(),
        e.Get("deprecatedLastTimestamp").AsTime(),
        e.Get("eventTime").AsTime(),
        e.Get("deprecatedCount").Number(),
        e.Get("series"),
        e.Get("type").Text(),
        e.Get("reason").Text(),
        e.Get("regarding"),
        e.Get("deprecatedSource"),
        e.Get("reportingController").Text(),
        e.Get("reportingInstance").Text(),
        e.Get("note").Text());
}
