using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Event. Stored as is; events.k8s.io/v1 Events are converted to and from this shape.</summary>
[Description("A report of something that happened to an object, such as a pod being scheduled or a container crashing.")]
public sealed class Event : KubeObject
{
    [Description("The object this event is about.")]
    public ObjectReference InvolvedObject { get; set => field = value ?? new(); } = new();

    [Description("A short CamelCase reason, such as Scheduled, Pulled or BackOff.")]
    public string? Reason { get; set; }

    [Description("A human-readable description.")]
    public string? Message { get; set; }

    [Description("The component and host that reported the event.")]
    public EventSource? Source { get; set; }

    [Description("When the event was first recorded.")]
    public DateTimeOffset? FirstTimestamp { get; set; }

    [Description("When the event was most recently recorded.")]
    public DateTimeOffset? LastTimestamp { get; set; }

    [Description("How many times the event has occurred.")]
    public int? Count { get; set; }

    [Description("Normal or Warning.")]
    public string? Type { get; set; }

    [Description("When the event first happened, with microsecond precision.")]
    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? EventTime { get; set; }

    [Description("Data about a series of repeated events.")]
    public EventSeries? Series { get; set; }

    [Description("What was done, or failed, about the object.")]
    public string? Action { get; set; }

    [Description("A second object involved in the event.")]
    public ObjectReference? Related { get; set; }

    [Description("The controller that reported the event, such as kubelet.")]
    public string ReportingComponent { get; set => field = value ?? ""; } = "";

    [Description("The instance of the controller, such as the node name.")]
    public string ReportingInstance { get; set => field = value ?? ""; } = "";
}

/// <summary>The component (and host) that generated an event.</summary>
public sealed class EventSource
{
    public string? Component { get; set; }

    public string? Host { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A run of repeated events: how many and when the last was seen.</summary>
public sealed class EventSeries
{
    public int? Count { get; set; }

    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? LastObservedTime { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
