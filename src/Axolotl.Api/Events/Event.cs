using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Events;

/// <summary>events.k8s.io/v1 Event: the newer view of core Events, sharing their storage (see EventConversion).</summary>
[Description("A report of something that happened to an object, in the events.k8s.io shape (note, regarding, series).")]
public sealed class Event : KubeObject
{
    [Description("When the event first happened, with microsecond precision.")]
    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? EventTime { get; set; }

    [Description("Data about a series of repeated events; absent for a single occurrence.")]
    public EventSeries? Series { get; set; }

    [Description("The controller that emitted the event, such as kubernetes.io/kubelet.")]
    public string? ReportingController { get; set; }

    [Description("The instance of the controller, such as the node name.")]
    public string? ReportingInstance { get; set; }

    [Description("What was done, or failed, about the object.")]
    public string? Action { get; set; }

    [Description("A short CamelCase reason for the action.")]
    public string? Reason { get; set; }

    [Description("The object this event is about.")]
    public ObjectReference? Regarding { get; set; }

    [Description("A second object involved in the event.")]
    public ObjectReference? Related { get; set; }

    [Description("A human-readable description, at most 1 kB.")]
    public string? Note { get; set; }

    [Description("Normal or Warning.")]
    public string? Type { get; set; }

    [Description("Deprecated: the source of the event in the core/v1 shape.")]
    public EventSource? DeprecatedSource { get; set; }

    [Description("Deprecated: core/v1 firstTimestamp.")]
    public DateTimeOffset? DeprecatedFirstTimestamp { get; set; }

    [Description("Deprecated: core/v1 lastTimestamp.")]
    public DateTimeOffset? DeprecatedLastTimestamp { get; set; }

    [Description("Deprecated: core/v1 count.")]
    public int? DeprecatedCount { get; set; }
}

/// <summary>events.k8s.io/v1 EventSeries: both fields are required in this API version.</summary>
public sealed class EventSeries
{
    public int Count { get; set; }

    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? LastObservedTime { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
