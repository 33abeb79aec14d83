using Axolotl.Api.Events;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Kinds;

public sealed class EventConversionTests
{
    private const string CoreEvent = """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.17c1","namespace":"default","resourceVersion":"5"},
         "involvedObject":{"apiVersion":"v1","kind":"Pod","name":"web","namespace":"default","uid":"u1"},
         "reason":"Pulled","message":"Successfully pulled image","source":{"component":"kubelet","host":"worker-1"},
         "firstTimestamp":"2024-05-02T08:00:00Z","lastTimestamp":"2024-05-02T08:05:00Z","count":3,"type":"Normal",
         "eventTime":"2024-05-02T08:00:00.123456Z","series":{"count":3,"lastObservedTime":"2024-05-02T08:05:00.000001Z"},
         "action":"Pulling","related":{"kind":"Node","name":"worker-1"},"reportingComponent":"kubelet","reportingInstance":"worker-1"}
        """;

    [Fact]
    public void Core_events_convert_to_events_v1_with_upstreams_field_renames()
    {
        var core = KubeJson.Deserialize<Axolotl.Api.Core.Event>(CoreEvent)!;
        var converted = EventConversion.ToEventsV1(core);
        JsonComparison.AssertEquivalent("""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"web.17c1","namespace":"default","resourceVersion":"5"},
             "eventTime":"2024-05-02T08:00:00.123456Z","series":{"count":3,"lastObservedTime":"2024-05-02T08:05:00.000001Z"},
             "reportingController":"kubelet","reportingInstance":"worker-1","action":"Pulling","reason":"Pulled",
             "regarding":{"apiVersion":"v1","kind":"Pod","name":"web","namespace":"default","uid":"u1"},"related":{"kind":"Node","name":"worker-1"},
             "note":"Successfully pulled image","type":"Normal","deprecatedSource":{"component":"kubelet","host":"worker-1"},
             "deprecatedFirstTimestamp":"2024-05-02T08:00:00Z","deprecatedLastTimestamp":"2024-05-02T08:05:00Z","deprecatedCount":3}
            """, KubeJson.Serialize(converted));
    }

    [Fact]
    public void Converting_there_and_back_gives_the_original_event()
    {
        var core = KubeJson.Deserialize<Axolotl.Api.Core.Event>(CoreEvent)!;
        JsonComparison.AssertEquivalent(CoreEvent, KubeJson.Serialize(EventConversion.ToCore(EventConversion.ToEventsV1(core))));
    }

    [Fact]
    public void Conversion_copies_rather_than_shares_nested_objects()
    {
        var core = KubeJson.Deserialize<Axolotl.Api.Core.Event>(CoreEvent)!;
        var converted = EventConversion.ToEventsV1(core);
        converted.Metadata.Name = "changed";
        converted.Regarding!.Name = "changed";
        Assert.Equal("web.17c1", core.Metadata.Name);
        Assert.Equal("web", core.InvolvedObject.Name);
    }
}
