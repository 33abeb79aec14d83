using Axolotl.Api.Core;
using Axolotl.Controllers.Endpoints;
using static Axolotl.Controllers.Tests.Endpoints.EndpointObjects;

namespace Axolotl.Controllers.Tests.Endpoints;

public sealed class TriggerTimeTrackerTests
{
    /// <summary>One completed sync: computes and commits, as the reconcilers do once written (or nothing to write).</summary>
    private static DateTimeOffset? Sync(TriggerTimeTracker tracker, Service service, IEnumerable<Pod> pods)
    {
        var observation = tracker.Compute(service, pods);
        tracker.Commit(observation);
        return observation.Time;
    }

    [Fact]
    public void A_new_service_reports_its_creation_time_then_only_newer_pod_readiness_changes()
    {
        var tracker = new TriggerTimeTracker();
        var service = Service();
        var a = Pod("a", "10.244.0.2", readySince: Created.AddSeconds(10));
        var b = Pod("b", "10.244.0.3", readySince: Created.AddSeconds(20));

        Assert.Equal(Created, Sync(tracker, service, [a, b]));
        Assert.Null(Sync(tracker, service, [a, b]));

        var bAgain = Pod("b", "10.244.0.3", ready: false, readySince: Created.AddSeconds(40));
        var c = Pod("c", "10.244.0.4", readySince: Created.AddSeconds(30));
        Assert.Equal(Created.AddSeconds(30), Sync(tracker, service, [a, bAgain, c]));
        Assert.Null(Sync(tracker, service, [a, bAgain, c]));
    }

    [Fact]
    public void A_requeued_sync_leaves_the_change_for_its_retry()
    {
        var tracker = new TriggerTimeTracker();
        var service = Service();
        var a = Pod("a", "10.244.0.2", readySince: Created.AddSeconds(10));
        Sync(tracker, service, [a]);
        var b = Pod("b", "10.244.0.3", ready: false, readySince: Created.AddSeconds(20));

        // Stale cache or a conflict: not committed.
        Assert.Equal(Created.AddSeconds(20), tracker.Compute(service, [a, b]).Time);

        Assert.Equal(Created.AddSeconds(20), Sync(tracker, service, [a, b]));
        Assert.Null(Sync(tracker, service, [a, b]));
    }

    [Fact]
    public void A_pod_turning_ready_within_the_same_second_still_counts_as_a_change()
    {
        var tracker = new TriggerTimeTracker();
        var service = Service();
        Sync(tracker, service, [Pod("a", "10.244.0.2", ready: false, readySince: Created.AddSeconds(5))]);

        Assert.Equal(Created.AddSeconds(5), Sync(tracker, service, [Pod("a", "10.244.0.2", readySince: Created.AddSeconds(5))]));
        Assert.Null(Sync(tracker, service, [Pod("a", "10.244.0.2", readySince: Created.AddSeconds(5))]));
    }

    [Fact]
    public void A_deleted_service_starts_over()
    {
        var tracker = new TriggerTimeTracker();
        var service = Service();
        Sync(tracker, service, []);
        tracker.Delete("default", "web");

        Assert.Equal(Created, Sync(tracker, service, []));
    }
}
