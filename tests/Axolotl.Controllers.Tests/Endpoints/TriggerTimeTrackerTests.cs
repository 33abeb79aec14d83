using Axolotl.Controllers.Endpoints;
using static Axolotl.Controllers.Tests.Endpoints.EndpointObjects;

namespace Axolotl.Controllers.Tests.Endpoints;

public sealed class TriggerTimeTrackerTests
{
    [Fact]
    public void A_new_service_reports_its_creation_time_then_only_newer_pod_readiness_changes()
    {
        var tracker = new TriggerTimeTracker();
        var service = Service();
        var a = Pod("a", "10.244.0.2", readySince: Created.AddSeconds(10));
        var b = Pod("b", "10.244.0.3", readySince: Created.AddSeconds(20));

        Assert.Equal(Created, tracker.Compute(service, [a, b]));
        Assert.Null(tracker.Compute(service, [a, b]));

        var bAgain = Pod("b", "10.244.0.3", ready: false, readySince: Created.AddSeconds(40));
        var c = Pod("c", "10.244.0.4", readySince: Created.AddSeconds(30));
        Assert.Equal(Created.AddSeconds(30), tracker.Compute(service, [a, bAgain, c]));
        Assert.Null(tracker.Compute(service, [a, bAgain, c]));
    }

    [Fact]
    public void A_pod_turning_ready_within_the_same_second_still_counts_as_a_change()
    {
        var tracker = new TriggerTimeTracker();
        var service = Service();
        tracker.Compute(service, [Pod("a", "10.244.0.2", ready: false, readySince: Created.AddSeconds(5))]);

        Assert.Equal(Created.AddSeconds(5), tracker.Compute(service, [Pod("a", "10.244.0.2", readySince: Created.AddSeconds(5))]));
        Assert.Null(tracker.Compute(service, [Pod("a", "10.244.0.2", readySince: Created.AddSeconds(5))]));
    }

    [Fact]
    public void A_deleted_service_starts_over()
    {
        var tracker = new TriggerTimeTracker();
        var service = Service();
        tracker.Compute(service, []);
        tracker.Delete("default", "web");

        Assert.Equal(Created, tracker.Compute(service, []));
    }
}
