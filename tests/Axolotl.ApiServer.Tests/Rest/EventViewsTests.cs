using System.Text.Json.Nodes;
using Axolotl.Api.Events;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Rest;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>
/// The watch cache's events.k8s.io/v1 view renames the stored JSON's fields instead of a typed round trip; for
/// every stored event it must give exactly what the typed conversion gives.
/// </summary>
public sealed class EventViewsTests
{
    public static TheoryData<string> StoredEvents => new()
    {
        // Everything set, as a recorder with series writes it.
        """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.17c1","namespace":"default","resourceVersion":"5","uid":"e1",
          "creationTimestamp":"2024-05-02T08:00:00Z","managedFields":[{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2024-05-02T08:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:count":{}}}]},
         "involvedObject":{"apiVersion":"v1","kind":"Pod","name":"web","namespace":"default","uid":"u1","fieldPath":"spec.containers{c}"},
         "reason":"Pulled","message":"Successfully pulled image","source":{"component":"kubelet","host":"worker-1"},
         "firstTimestamp":"2024-05-02T08:00:00Z","lastTimestamp":"2024-05-02T08:05:00Z","count":3,"type":"Normal",
         "eventTime":"2024-05-02T08:00:00.123456Z","series":{"count":3,"lastObservedTime":"2024-05-02T08:05:00.000001Z"},
         "action":"Pulling","related":{"kind":"Node","name":"worker-1"},"reportingComponent":"kubelet","reportingInstance":"worker-1"}
        """,
        // A scheduler's event: no source, no timestamps but eventTime, empty reporting instance.
        """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"p.1","namespace":"ns"},"involvedObject":{"kind":"Pod","name":"p"},
         "reason":"Scheduled","message":"Successfully assigned ns/p to n1","type":"Normal","eventTime":"2024-05-02T08:00:00.000001Z",
         "action":"Binding","reportingComponent":"default-scheduler","reportingInstance":""}
        """,
        // A bare core event: no eventTime, no series, no reporting fields, a series without its count.
        """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"bare","namespace":"ns"},"involvedObject":{},"reportingComponent":"",
         "series":{"lastObservedTime":"2024-05-02T08:05:00.000001Z"}}
        """,
        // Explicit nulls.
        """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"nulls","namespace":"ns","labels":{"a":"b"}},"involvedObject":{"kind":"Node","name":"n"},
         "firstTimestamp":null,"lastTimestamp":null,"eventTime":null,"series":null,"related":null,"count":1,"source":{"component":"c"}}
        """,
    };

    [Theory]
    [MemberData(nameof(StoredEvents))]
    public void The_renamed_view_equals_the_typed_conversion(string json)
    {
        // Stored events are canonical: they went through the typed encoder on their write.
        var stored = KubeJson.ToNode(KubeJson.Deserialize<Axolotl.Api.Core.Event>(json)!);
        var typed = KubeJson.ToNode(EventConversion.ToEventsV1(KubeJson.FromNode<Axolotl.Api.Core.Event>(stored)!));

        var renamed = EventViews.ToEventsV1(stored);

        Assert.True(JsonNode.DeepEquals(typed, renamed), $"typed:   {typed.ToJsonString()}\nrenamed: {renamed.ToJsonString()}");
        Assert.Equal(typed.Select(p => p.Key), renamed.Select(p => p.Key));
    }

    [Fact]
    public void The_view_shares_nothing_with_the_stored_event()
    {
        var stored = KubeJson.ToNode(KubeJson.Deserialize<Axolotl.Api.Core.Event>(
            """{"apiVersion":"v1","kind":"Event","metadata":{"name":"e","namespace":"ns"},"involvedObject":{"kind":"Pod","name":"p"}}""")!);

        var view = EventViews.ToEventsV1(stored);
        view["metadata"]!["name"] = "changed";
        view["regarding"]!["name"] = "changed";

        Assert.Equal("e", (string?)stored["metadata"]!["name"]);
        Assert.Equal("p", (string?)stored["involvedObject"]!["name"]);
    }
}
