using Axolotl.Api.Core;
using Axolotl.Client.Events;

namespace Axolotl.Client.Tests.Events;

/// <summary>client-go's correlator as a decision: series of identical events, similar events combined, the spam filter.</summary>
public sealed class EventCorrelatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly EventCorrelator _correlator = new();

    [Fact]
    public void Identical_events_share_a_series_and_keep_their_message()
    {
        var first = Correlate(Pod("a"), "BackOff", "Back-off restarting failed container", T0);
        var again = Correlate(Pod("a"), "BackOff", "Back-off restarting failed container", T0.AddSeconds(10));
        var otherContainer = Correlate(Pod("a", "spec.containers{sidecar}"), "BackOff", "Back-off restarting failed container", T0.AddSeconds(10));

        Assert.Equal(first.SeriesKey, again.SeriesKey);
        Assert.Equal("Back-off restarting failed container", again.Message);
        Assert.NotEqual(first.SeriesKey, otherContainer.SeriesKey);
        Assert.False(again.Skip);
    }

    [Fact]
    public void The_tenth_different_message_of_one_reason_is_combined_and_later_ones_join_its_series()
    {
        var results = Enumerable.Range(1, 12).Select(i => Correlate(Pod("a"), "FailedMount", $"volume v{i} not found", T0.AddSeconds(i))).ToList();

        Assert.All(results.Take(9), r => Assert.DoesNotContain("combined", r.Message, StringComparison.Ordinal));
        Assert.Equal(9, results.Take(9).Select(r => r.SeriesKey).Distinct().Count());
        Assert.Equal("(combined from similar events): volume v10 not found", results[9].Message);
        Assert.Equal("(combined from similar events): volume v12 not found", results[11].Message);
        Assert.Single(results.Skip(9).Select(r => r.SeriesKey).Distinct());
        // Another reason about the same object is not combined with them.
        Assert.Equal("Pulled image", Correlate(Pod("a"), "Pulled", "Pulled image", T0.AddSeconds(13)).Message);
    }

    [Fact]
    public void Similar_events_after_ten_quiet_minutes_start_counting_again()
    {
        for (var i = 1; i <= 10; i++)
        {
            Correlate(Pod("a"), "FailedMount", $"volume v{i} not found", T0.AddSeconds(i));
        }

        var later = Correlate(Pod("a"), "FailedMount", "volume v11 not found", T0.AddSeconds(10) + EventCorrelator.AggregateInterval + TimeSpan.FromSeconds(1));

        Assert.Equal("volume v11 not found", later.Message);
    }

    [Fact]
    public void Past_25_events_about_one_object_the_spam_filter_lets_one_through_every_five_minutes()
    {
        var burst = Enumerable.Range(1, 30).Select(i => Correlate(Pod("a"), "Unhealthy", "Readiness probe failed", T0.AddMilliseconds(i))).ToList();

        Assert.Equal(25, burst.Count(r => !r.Skip));
        Assert.All(burst.Skip(25), r => Assert.True(r.Skip));
        // Another object from the same source has its own bucket.
        Assert.False(Correlate(Pod("b"), "Unhealthy", "Readiness probe failed", T0.AddSeconds(1)).Skip);
        Assert.True(Correlate(Pod("a"), "Unhealthy", "Readiness probe failed", T0.AddMinutes(4)).Skip);
        Assert.False(Correlate(Pod("a"), "Unhealthy", "Readiness probe failed", T0.AddMinutes(5).AddSeconds(1)).Skip);
        Assert.True(Correlate(Pod("a"), "Unhealthy", "Readiness probe failed", T0.AddMinutes(5).AddSeconds(2)).Skip);
    }

    private EventCorrelator.Correlation Correlate(ObjectReference involved, string reason, string message, DateTimeOffset at) =>
        _correlator.Correlate("kubelet", "node-1", involved, "default", "Warning", reason, message, at);

    private static ObjectReference Pod(string name, string? fieldPath = null) =>
        new() { Kind = "Pod", ApiVersion = "v1", Namespace = "default", Name = name, Uid = "uid-" + name, FieldPath = fieldPath };
}
