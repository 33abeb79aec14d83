using System.Net;
using Axolotl.Proxy.Drain;

namespace Axolotl.Proxy.Tests.Drain;

/// <summary>When the node looks again for the listener of a port it does not hold (ADR 0030, issue 36).</summary>
public sealed class HeldRetakeTrackerTests
{
    private static readonly HeldPort WebA = new("default", "web-a", IPAddress.Parse("10.244.0.4"), 8080);
    private static readonly HeldPort WebB = new("default", "web-b", IPAddress.Parse("10.244.0.5"), 8080);
    private static readonly HashSet<HeldPort> Both = [WebA, WebB];

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Every_desired_port_held_needs_no_retry()
    {
        var tracker = new HeldRetakeTracker(HeldRetakeSchedule.Default);

        Assert.Null(tracker.Passed(Ms(0), Both, _ => true).Next);
    }

    [Fact]
    public void A_port_whose_app_never_listened_is_retried_once_a_second_however_many_passes()
    {
        var tracker = new HeldRetakeTracker(HeldRetakeSchedule.Default);

        var waits = Enumerable.Range(0, 5).Select(i => tracker.Passed(TimeSpan.FromSeconds(i), Both, p => p == WebB).Next).ToList();

        Assert.All(waits, w => Assert.Equal(TimeSpan.FromSeconds(1), w));
    }

    [Fact]
    public void After_a_release_the_retries_start_at_tens_of_ms_and_double_up_to_the_cap()
    {
        var tracker = new HeldRetakeTracker(HeldRetakeSchedule.Default);
        tracker.Released(WebA, Ms(0));

        var now = Ms(0);
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            var next = tracker.Passed(now, Both, p => p == WebB).Next!.Value;
            waits.Add(next);
            now += next;
        }

        Assert.Equal([Ms(10), Ms(20), Ms(40), Ms(80), Ms(100), Ms(100), Ms(100)], waits);
    }

    [Fact]
    public void The_replacements_listener_held_again_ends_the_fast_retries_and_says_how_long_it_took()
    {
        var tracker = new HeldRetakeTracker(HeldRetakeSchedule.Default);
        tracker.Released(WebA, Ms(1_000));
        tracker.Passed(Ms(1_002), Both, p => p == WebB);

        var (retaken, next) = tracker.Passed(Ms(1_012), Both, _ => true);

        Assert.Equal([(WebA, Ms(12))], retaken);
        Assert.Null(next);
        Assert.Equal(0, tracker.Waiting);
        // Another port still not listened on goes back to the slow retries.
        Assert.Equal(TimeSpan.FromSeconds(1), tracker.Passed(Ms(1_100), Both, p => p == WebA).Next);
    }

    [Fact]
    public void A_replacement_that_does_not_listen_within_the_window_falls_back_to_once_a_second()
    {
        var tracker = new HeldRetakeTracker(HeldRetakeSchedule.Default);
        tracker.Released(WebA, Ms(0));

        Assert.Equal(Ms(10), tracker.Passed(Ms(9_999), Both, p => p == WebB).Next);
        var (retaken, next) = tracker.Passed(TimeSpan.FromSeconds(10), Both, p => p == WebB);

        Assert.Empty(retaken);
        Assert.Equal(TimeSpan.FromSeconds(1), next);
        Assert.Equal(0, tracker.Waiting);
    }

    [Fact]
    public void A_released_port_no_longer_desired_is_not_waited_for()
    {
        var tracker = new HeldRetakeTracker(HeldRetakeSchedule.Default);
        tracker.Released(WebA, Ms(0));

        var (retaken, next) = tracker.Passed(Ms(5), new HashSet<HeldPort> { WebB }, _ => false);

        Assert.Empty(retaken);
        Assert.Equal(TimeSpan.FromSeconds(1), next);
        Assert.Equal(0, tracker.Waiting);
    }

    [Fact]
    public void A_second_release_starts_the_schedule_again_from_its_first_retry()
    {
        var tracker = new HeldRetakeTracker(HeldRetakeSchedule.Default);
        tracker.Released(WebA, Ms(0));
        tracker.Passed(Ms(0), Both, _ => false);
        tracker.Passed(Ms(10), Both, _ => false);
        tracker.Passed(Ms(30), Both, _ => false);

        tracker.Released(WebB, Ms(70));

        Assert.Equal(Ms(10), tracker.Passed(Ms(70), Both, _ => false).Next);
        Assert.Equal(2, tracker.Waiting);
    }

    [Fact]
    public void The_every_second_schedule_retries_once_a_second_after_a_release_as_well()
    {
        var tracker = new HeldRetakeTracker(HeldRetakeSchedule.EverySecond);
        tracker.Released(WebA, Ms(0));

        Assert.Equal(TimeSpan.FromSeconds(1), tracker.Passed(Ms(1), Both, p => p == WebB).Next);
    }
}
