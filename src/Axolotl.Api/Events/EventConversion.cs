using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Events;

/// <summary>
/// Converts between core/v1 Events (the stored form) and events.k8s.io/v1 Events. The renamed
/// fields follow upstream: involvedObject↔regarding, message↔note, source↔deprecatedSource,
/// firstTimestamp/lastTimestamp/count↔deprecated*, reportingComponent↔reportingController.
/// Both directions deep-copy, so the result never shares state with its input.
/// </summary>
public static class EventConversion
{
    public const string ApiVersion = "events.k8s.io/v1";

    public static Event ToEventsV1(Core.Event core)
    {
        ArgumentNullException.ThrowIfNull(core);
        return new Event
        {
            ApiVersion = ApiVersion,
            Kind = "Event",
            Metadata = Clone(core.Metadata) ?? new ObjectMeta(),
            EventTime = core.EventTime,
            Series = core.Series is null ? null : new EventSeries
            {
                Count = core.Series.Count ?? 0,
                LastObservedTime = core.Series.LastObservedTime,
            },
            ReportingController = NullIfEmpty(core.ReportingComponent),
            ReportingInstance = NullIfEmpty(core.ReportingInstance),
            Action = core.Action,
            Reason = core.Reason,
            Regarding = Clone(core.InvolvedObject),
            Related = Clone(core.Related),
            Note = core.Message,
            Type = core.Type,
            DeprecatedSource = Clone(core.Source),
            DeprecatedFirstTimestamp = core.FirstTimestamp,
            DeprecatedLastTimestamp = core.LastTimestamp,
            DeprecatedCount = core.Count,
        };
    }

    public static Core.Event ToCore(Event events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return new Core.Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = Clone(events.Metadata) ?? new ObjectMeta(),
            InvolvedObject = Clone(events.Regarding) ?? new ObjectReference(),
            Reason = events.Reason,
            Message = events.Note,
            Source = Clone(events.DeprecatedSource),
            FirstTimestamp = events.DeprecatedFirstTimestamp,
            LastTimestamp = events.DeprecatedLastTimestamp,
            Count = events.DeprecatedCount,
            Type = events.Type,
            EventTime = events.EventTime,
            Series = events.Series is null ? null : new Core.EventSeries
            {
                Count = events.Series.Count,
                LastObservedTime = events.Series.LastObservedTime,
            },
            Action = events.Action,
            Related = Clone(events.Related),
            ReportingComponent = events.ReportingController ?? "",
            ReportingInstance = events.ReportingInstance ?? "",
        };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static T? Clone<T>(T? value) where T : class =>
        value is null ? null : KubeJson.Deserialize<T>(KubeJson.Serialize(value));
}
