using Axolotl.Storage.Expiry;

namespace Axolotl.Storage.Tests;

public sealed class ExpiryTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    [Fact]
    public void A_key_is_due_one_ttl_after_the_write_that_was_seen_and_not_before()
    {
        var tracker = new ExpiryTracker(Ttl);
        tracker.Written("/events/ns/a", 5, T0);

        Assert.Empty(tracker.TakeDue(T0 + Ttl - TimeSpan.FromSeconds(1)));
        Assert.Equal([("/events/ns/a", 5L)], tracker.TakeDue(T0 + Ttl));
        Assert.Empty(tracker.TakeDue(T0 + Ttl + Ttl));
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void A_later_write_replaces_the_expiry_and_the_revision_to_delete()
    {
        var tracker = new ExpiryTracker(Ttl);
        tracker.Written("/events/ns/a", 5, T0);
        tracker.Written("/events/ns/a", 9, T0 + TimeSpan.FromMinutes(30));

        Assert.Empty(tracker.TakeDue(T0 + Ttl));
        Assert.Equal([("/events/ns/a", 9L)], tracker.TakeDue(T0 + TimeSpan.FromMinutes(90)));
    }

    [Fact]
    public void Seeing_the_same_revision_again_on_a_relist_keeps_the_expiry_it_had()
    {
        var tracker = new ExpiryTracker(Ttl);
        tracker.Written("/events/ns/a", 5, T0);
        tracker.Written("/events/ns/a", 5, T0 + TimeSpan.FromMinutes(50));

        Assert.Single(tracker.TakeDue(T0 + Ttl));
    }

    [Fact]
    public void A_deleted_key_is_never_due()
    {
        var tracker = new ExpiryTracker(Ttl);
        tracker.Written("/events/ns/a", 5, T0);
        tracker.Deleted("/events/ns/a");

        Assert.Empty(tracker.TakeDue(T0 + Ttl));
    }

    [Fact]
    public void Due_keys_come_out_oldest_first()
    {
        var tracker = new ExpiryTracker(Ttl);
        tracker.Written("/events/ns/b", 2, T0 + TimeSpan.FromSeconds(1));
        tracker.Written("/events/ns/a", 3, T0 + TimeSpan.FromSeconds(2));
        tracker.Written("/events/ns/c", 1, T0);

        Assert.Equal(["/events/ns/c", "/events/ns/b", "/events/ns/a"], tracker.TakeDue(T0 + Ttl + Ttl).Select(d => d.Key));
    }
}
