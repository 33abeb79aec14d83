namespace Axolotl.ApiServer.Tests.Printing;

public class EventPrinterTests
{
    [Fact]
    public void ACoreEventPrintsLastSeenTypeReasonObjectAndMessage()
    {
        var e = Printed.Of("", "Event", """
            {"metadata":{"name":"web-1.17a2b","namespace":"default"},
             "involvedObject":{"kind":"Pod","namespace":"default","name":"web-1","fieldPath":"spec.containers{app}"},
             "reason":"BackOff","message":"Back-off restarting failed container\n","type":"Warning",
             "source":{"component":"kubelet","host":"node-1"},
             "firstTimestamp":"2025-01-01T11:00:00Z","lastTimestamp":"2025-01-01T11:59:00Z","count":7}
            """);

        Assert.Equal("60s", e["Last Seen"]);
        Assert.Equal("Warning", e["Type"]);
        Assert.Equal("BackOff", e["Reason"]);
        Assert.Equal("pod/web-1", e["Object"]);
        Assert.Equal("Back-off restarting failed container", e["Message"]);
        Assert.Equal("spec.containers{app}", e["Subobject"]);
        Assert.Equal("kubelet, node-1", e["Source"]);
        Assert.Equal("60m", e["First Seen"]);
        Assert.Equal(7, e.Int("Count"));
        Assert.Equal("web-1.17a2b", e["Name"]);
    }

    [Fact]
    public void ANewStyleEventFallsBackToEventTimeReportingControllerAndACountOfOne()
    {
        var e = Printed.Of("", "Event", """
            {"metadata":{"name":"n.1"},"involvedObject":{"kind":"Node","name":"node-1"},"reason":"Starting","type":"Normal",
             "eventTime":"2025-01-01T11:58:00.000000Z","reportingComponent":"kubelet","reportingInstance":"node-1","message":"Starting kubelet."}
            """);

        Assert.Equal("2m", e["Last Seen"]);
        Assert.Equal("2m", e["First Seen"]);
        Assert.Equal("node/node-1", e["Object"]);
        Assert.Equal("kubelet, node-1", e["Source"]);
        Assert.Equal(1, e.Int("Count"));
    }

    [Fact]
    public void ASeriesReportsItsLastObservationAndCount()
    {
        var e = Printed.Of("", "Event", """
            {"metadata":{"name":"s"},"involvedObject":{"kind":"Namespace"},"eventTime":"2025-01-01T10:00:00.000000Z",
             "series":{"count":12,"lastObservedTime":"2025-01-01T11:59:50.000000Z"}}
            """);

        Assert.Equal("10s", e["Last Seen"]);
        Assert.Equal(12, e.Int("Count"));
        Assert.Equal("namespace", e["Object"]);
    }

    [Fact]
    public void EventsK8sIoEventsPrintTheSameColumnsFromTheirRenamedFields()
    {
        var e = Printed.Of("events.k8s.io", "Event", """
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"web-1.17a2c","namespace":"default"},
             "eventTime":"2025-01-01T11:00:00.000000Z","reportingController":"default-scheduler","reportingInstance":"axolotl",
             "action":"Binding","reason":"Scheduled","regarding":{"kind":"Pod","name":"web-1","namespace":"default"},
             "note":"Successfully assigned default/web-1 to node-1","type":"Normal",
             "deprecatedFirstTimestamp":"2025-01-01T11:00:00Z","deprecatedLastTimestamp":"2025-01-01T11:30:00Z","deprecatedCount":2}
            """);

        Assert.Equal("30m", e["Last Seen"]);
        Assert.Equal("Scheduled", e["Reason"]);
        Assert.Equal("pod/web-1", e["Object"]);
        Assert.Equal("Successfully assigned default/web-1 to node-1", e["Message"]);
        Assert.Equal("default-scheduler, axolotl", e["Source"]);
        Assert.Equal(2, e.Int("Count"));
    }
}
