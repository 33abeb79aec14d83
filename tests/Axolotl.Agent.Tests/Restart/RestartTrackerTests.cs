using Axolotl.Agent.Restart;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Restart;

public class RestartTrackerTests
{
    private const string Pod = "uid-1";
    private const string Container = "app";
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private readonly FakeTimeProvider _clock = new(T0);

    [Theory]
    [InlineData("Always", 0, false, true)]
    [InlineData("Always", 1, false, true)]
    [InlineData("Always", 137, false, true)]
    [InlineData("OnFailure", 0, false, false)]
    [InlineData("OnFailure", 1, false, true)]
    [InlineData("OnFailure", 143, false, true)]
    [InlineData("Never", 0, false, false)]
    [InlineData("Never", 1, false, false)]
    [InlineData(null, 0, false, true)]
    [InlineData("Always", 0, true, false)]
    [InlineData("Always", 1, true, true)]
    [InlineData("OnFailure", 0, true, false)]
    [InlineData("OnFailure", 2, true, true)]
    [InlineData("Never", 1, true, false)]
    public void RestartPolicyDecidesWhetherAnExitedContainerComesBack(string? policy, int exitCode, bool init, bool restarts)
    {
        Assert.Equal(restarts, RestartPolicies.ShouldRestart(policy, exitCode, init));

        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        var decision = tracker.OnExit(Pod, Container, policy, exitCode, T0, T0 + TimeSpan.FromSeconds(1), init);
        Assert.Equal(restarts ? RestartAction.RestartNow : RestartAction.DoNotRestart, decision.Action);
    }

    [Fact]
    public void A_checkpointed_curve_taken_back_by_a_new_tracker_keeps_the_schedule()
    {
        var before = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        var start = T0;
        RestartDecision last = RestartDecision.Never;
        for (var crash = 0; crash < 4; crash++)
        {
            var end = start + TimeSpan.FromSeconds(1);
            last = before.OnExit(Pod, Container, "Always", 1, start, end);
            start = end + last.Backoff;
        }
        Assert.Equal(TimeSpan.FromSeconds(40), last.Backoff);
        var state = before.Snapshot(Pod, Container)!;
        // The state goes to disk as JSON with the pod's checkpoint.
        var json = System.Text.Json.JsonSerializer.Serialize(state, Web);
        var restored = System.Text.Json.JsonSerializer.Deserialize<RestartBackoffState>(json, Web)!;

        var after = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        after.Restore(Pod, Container, restored);

        // A container that was waiting out its back-off gets the decision it had, with no exit to replay.
        Assert.Equal(last, after.Pending(Pod, Container));
        Assert.Null(after.Pending(Pod, "other"));

        // The exit the checkpoint knows gives the decision it had; the next exit doubles on from there.
        var finished = start - last.Backoff;
        Assert.Equal(last, after.OnExit(Pod, Container, "Always", 1, finished - TimeSpan.FromSeconds(1), finished));
        Assert.True(after.IsInBackoff(Pod, Container, out var backoff, out _));
        Assert.Equal(TimeSpan.FromSeconds(40), backoff);
        var next = after.OnExit(Pod, Container, "Always", 1, start, start + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(80), next.Backoff);
        Assert.Null(new RestartTracker(RestartBackoffOptions.Kubernetes, _clock).Snapshot(Pod, Container));
    }

    [Fact]
    public void AskingAheadWhetherAnExitRestartsAtOnceAgreesWithTheDecisionAndRecordsNothing()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        var start = T0;
        for (var crash = 0; crash < 6; crash++)
        {
            var end = start + TimeSpan.FromSeconds(crash == 3 ? 700 : 1);
            var ahead = tracker.RestartsAtOnce(Pod, Container, "OnFailure", 1, start, end);
            Assert.Equal(ahead, tracker.RestartsAtOnce(Pod, Container, "OnFailure", 1, start, end));
            var decision = tracker.OnExit(Pod, Container, "OnFailure", 1, start, end);
            Assert.Equal(decision.Action == RestartAction.RestartNow, ahead);
            // The first crash, and the first after a run of over ten minutes, restart at once.
            Assert.Equal(crash is 0 or 3, ahead);
            start = end + decision.Backoff;
        }

        Assert.False(tracker.RestartsAtOnce(Pod, Container, "OnFailure", 0, T0, T0));
        Assert.False(tracker.RestartsAtOnce("other", Container, "Never", 1, T0, T0));
        Assert.True(tracker.RestartsAtOnce("other", Container, "Always", 0, T0, T0));
    }

    [Fact]
    public void AContainerThatIsNotRestartedLeavesNoHistory()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        tracker.OnExit(Pod, Container, "Never", 1, T0, T0);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void ACrashLoopRestartsAtOnceThenWaitsTenSecondsDoublingToFiveMinutes()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        var delays = CrashRepeatedly(tracker, "Always", exitCode: 1, crashes: 9);
        Assert.Equal(new[] { 0, 10, 20, 40, 80, 160, 300, 300, 300 }, delays);
    }

    [Fact]
    public void CleanExitsUnderAlwaysBackOffLikeCrashes()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        Assert.Equal(new[] { 0, 10, 20 }, CrashRepeatedly(tracker, "Always", exitCode: 0, crashes: 3));
    }

    [Fact]
    public void ADelayedRestartIsReportedAsBackOffWithTheTimeLeftCountedFromFinishedAt()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        Assert.Equal(RestartAction.RestartNow, tracker.OnExit(Pod, Container, "Always", 1, T0, T0).Action);

        _clock.Advance(TimeSpan.FromSeconds(2));
        var finished = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromSeconds(3));
        var decision = tracker.OnExit(Pod, Container, "Always", 1, finished - TimeSpan.FromSeconds(1), finished);

        Assert.Equal(RestartAction.RestartAfterBackoff, decision.Action);
        Assert.Equal(TimeSpan.FromSeconds(10), decision.Backoff);
        Assert.Equal(finished + TimeSpan.FromSeconds(10), decision.RestartAt);
        Assert.Equal(TimeSpan.FromSeconds(7), tracker.Remaining(decision));
        Assert.True(tracker.IsInBackoff(Pod, Container, out var backoff, out var remaining));
        Assert.Equal(TimeSpan.FromSeconds(10), backoff);
        Assert.Equal(TimeSpan.FromSeconds(7), remaining);

        _clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.Zero, tracker.Remaining(decision));
        Assert.False(tracker.IsInBackoff(Pod, Container, out _, out _));
    }

    [Fact]
    public void AnExitNoticedAfterItsBackOffElapsedRestartsAtOnce()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        tracker.OnExit(Pod, Container, "Always", 1, T0, T0);
        var finished = T0 + TimeSpan.FromSeconds(1);
        _clock.Advance(TimeSpan.FromSeconds(30));

        var decision = tracker.OnExit(Pod, Container, "Always", 1, T0, finished);

        Assert.Equal(RestartAction.RestartNow, decision.Action);
        Assert.Equal(TimeSpan.FromSeconds(10), decision.Backoff);
    }

    [Fact]
    public void ReportingTheSameExitTwiceDoesNotAdvanceTheCurve()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        tracker.OnExit(Pod, Container, "Always", 1, T0, T0);
        var finished = T0 + TimeSpan.FromSeconds(1);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var first = tracker.OnExit(Pod, Container, "Always", 1, T0, finished);
        var again = tracker.OnExit(Pod, Container, "Always", 1, T0, finished);

        Assert.Equal(first, again);
        Assert.Equal(TimeSpan.FromSeconds(10), again.Backoff);
    }

    [Fact]
    public void AContainerThatRanTenMinutesStartsTheCurveOver()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        Assert.Equal(new[] { 0, 10, 20, 40 }, CrashRepeatedly(tracker, "Always", 1, 4));

        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(10));
        var decision = tracker.OnExit(Pod, Container, "Always", 1, started, _clock.GetUtcNow());
        Assert.Equal(RestartAction.RestartNow, decision.Action);
        Assert.Equal(TimeSpan.Zero, decision.Backoff);

        Assert.Equal(new[] { 10, 20 }, CrashRepeatedly(tracker, "Always", 1, 2));
    }

    [Fact]
    public void AContainerThatRanJustUnderTenMinutesKeepsItsBackOff()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        CrashRepeatedly(tracker, "Always", 1, 2);

        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(11));
        var decision = tracker.OnExit(Pod, Container, "Always", 1, started, _clock.GetUtcNow());

        Assert.Equal(RestartAction.RestartAfterBackoff, decision.Action);
        Assert.Equal(TimeSpan.FromSeconds(20), decision.Backoff);
    }

    [Fact]
    public void ExitsMoreThanTheResetPeriodApartStartOverAsTheKubeletsExpiryDoes()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        tracker.OnExit(Pod, Container, "Always", 1, T0, T0);

        // A container that waited out a long back-off and then ran a while: its previous exit is
        // more than 10 minutes back although this run alone was shorter.
        var finished = T0 + TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1);
        _clock.Advance(finished - T0);
        var decision = tracker.OnExit(Pod, Container, "Always", 1, finished - TimeSpan.FromMinutes(6), finished);

        Assert.Equal(RestartAction.RestartNow, decision.Action);
    }

    [Fact]
    public void ANodeCanChooseAFasterCurve()
    {
        var options = new RestartBackoffOptions
        {
            Initial = TimeSpan.FromMilliseconds(100),
            Max = TimeSpan.FromSeconds(1),
            ResetAfter = TimeSpan.FromSeconds(5),
        };
        var tracker = new RestartTracker(options, _clock);
        var delays = CrashRepeatedlyMs(tracker, 7);
        Assert.Equal(new[] { 0, 100, 200, 400, 800, 1000, 1000 }, delays);

        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(RestartAction.RestartNow, tracker.OnExit(Pod, Container, "Always", 1, started, _clock.GetUtcNow()).Action);
    }

    [Fact]
    public void ContainersAndPodsHaveSeparateHistoriesThatCanBeForgotten()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        tracker.OnExit(Pod, "a", "Always", 1, T0, T0);
        tracker.OnExit(Pod, "b", "Always", 1, T0, T0);
        tracker.OnExit("uid-2", "a", "Always", 1, T0, T0);
        var later = T0 + TimeSpan.FromSeconds(1);
        _clock.Advance(TimeSpan.FromSeconds(1));

        tracker.Forget(Pod, "a");
        Assert.Equal(RestartAction.RestartNow, tracker.OnExit(Pod, "a", "Always", 1, T0, later).Action);
        Assert.Equal(RestartAction.RestartAfterBackoff, tracker.OnExit(Pod, "b", "Always", 1, T0, later).Action);

        tracker.ForgetPod(Pod);
        Assert.Equal(1, tracker.Count);
        Assert.Equal(RestartAction.RestartAfterBackoff, tracker.OnExit("uid-2", "a", "Always", 1, T0, later).Action);
    }

    [Fact]
    public void PruneDropsHistoriesQuietForLongerThanTheResetPeriod()
    {
        var tracker = new RestartTracker(RestartBackoffOptions.Kubernetes, _clock);
        tracker.OnExit(Pod, "old", "Always", 1, T0, T0);
        _clock.Advance(TimeSpan.FromMinutes(9));
        tracker.OnExit(Pod, "recent", "Always", 1, T0, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(1, tracker.Prune());
        Assert.Equal(1, tracker.Count);
    }

    [Theory]
    [InlineData(0, 10, 300)]
    [InlineData(10, 0, 300)]
    [InlineData(10, 300, 0)]
    [InlineData(20, 10, 600)]
    public void NonsensicalCurvesAreRejected(int initial, int max, int reset)
    {
        var options = new RestartBackoffOptions
        {
            Initial = TimeSpan.FromSeconds(initial),
            Max = TimeSpan.FromSeconds(max),
            ResetAfter = TimeSpan.FromSeconds(reset),
        };
        Assert.Throws<ArgumentException>(() => new RestartTracker(options, _clock));
    }

    [Fact]
    public void MessagesAreWordedAsTheKubeletWordsThem()
    {
        Assert.Equal(
            "back-off 40s restarting failed container=kubia pod=kubia-liveness_default(1234)",
            RestartTracker.CrashLoopBackOffMessage(TimeSpan.FromSeconds(40), "kubia", "kubia-liveness", "default", "1234"));
        Assert.Equal(
            "back-off 5m0s restarting failed container=kubia pod=kubia-liveness_default(1234)",
            RestartTracker.CrashLoopBackOffMessage(TimeSpan.FromSeconds(300), "kubia", "kubia-liveness", "default", "1234"));
        Assert.Equal(
            "Back-off restarting failed container kubia in pod kubia-liveness_default(1234)",
            RestartTracker.BackOffEventMessage("kubia", "kubia-liveness", "default", "1234"));
    }

    // Simulates an agent that restarts exactly when allowed and a container that dies 1 s after
    // each start; returns the back-off (whole seconds) chosen for each crash.
    private int[] CrashRepeatedly(RestartTracker tracker, string policy, int exitCode, int crashes)
    {
        var delays = new List<int>();
        for (var i = 0; i < crashes; i++)
        {
            var started = _clock.GetUtcNow();
            _clock.Advance(TimeSpan.FromSeconds(1));
            var decision = tracker.OnExit(Pod, Container, policy, exitCode, started, _clock.GetUtcNow());
            Assert.NotEqual(RestartAction.DoNotRestart, decision.Action);
            Assert.Equal(decision.Backoff == TimeSpan.Zero ? RestartAction.RestartNow : RestartAction.RestartAfterBackoff, decision.Action);
            delays.Add((int)decision.Backoff.TotalSeconds);
            _clock.Advance(tracker.Remaining(decision));
        }

        return [.. delays];
    }

    private int[] CrashRepeatedlyMs(RestartTracker tracker, int crashes)
    {
        var delays = new List<int>();
        for (var i = 0; i < crashes; i++)
        {
            var started = _clock.GetUtcNow();
            _clock.Advance(TimeSpan.FromMilliseconds(10));
            var decision = tracker.OnExit(Pod, Container, "Always", 1, started, _clock.GetUtcNow());
            delays.Add((int)decision.Backoff.TotalMilliseconds);
            _clock.Advance(tracker.Remaining(decision));
        }

        return [.. delays];
    }
}
