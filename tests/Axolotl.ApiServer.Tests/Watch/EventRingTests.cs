using Axolotl.ApiServer.Watch.Cache;
using Axolotl.Storage;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>The watch cache's window: absolute positions, what it lets go of and when, and where a start after a revision lands.</summary>
public sealed class EventRingTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_position_found_after_a_revision_reads_the_events_that_follow_it()
    {
        var ring = new EventRing(capacity: 10, maxBytes: 1 << 20, TimeSpan.FromMinutes(1), minimum: 1, _clock);
        ring.Reset(100);
        foreach (var revision in new long[] { 101, 103, 107 })
        {
            ring.Append(Event(revision));
        }

        Assert.True(ring.TryFind(100, out var fromStart));
        Assert.True(ring.TryFind(103, out var afterSecond));
        Assert.True(ring.TryFind(105, out var betweenSecondAndThird));
        Assert.True(ring.TryFind(200, out var ahead));

        Assert.Equal([101, 103, 107], Read(ring, fromStart));
        Assert.Equal([107], Read(ring, afterSecond));
        Assert.Equal([107], Read(ring, betweenSecondAndThird));
        Assert.Empty(Read(ring, ahead));
        Assert.False(ring.TryFind(99, out _));
    }

    [Fact]
    public void Past_its_capacity_the_oldest_go_and_a_reader_left_behind_is_told()
    {
        var ring = new EventRing(capacity: 3, maxBytes: 1 << 20, TimeSpan.FromMinutes(1), minimum: 1, _clock);
        ring.Reset(0);
        Assert.True(ring.TryFind(0, out var slow));
        for (var revision = 1; revision <= 5; revision++)
        {
            ring.Append(Event(revision));
        }

        Assert.Equal(3, ring.Count);
        Assert.Equal(2, ring.CoveredAfter);
        Assert.False(ring.TryRead(slow, [], 10));
        Assert.False(ring.TryFind(1, out _));
        Assert.True(ring.TryFind(2, out var justCovered));
        Assert.Equal([3, 4, 5], Read(ring, justCovered));
    }

    [Fact]
    public void Bytes_bound_the_ring_as_well_as_count()
    {
        var ring = new EventRing(capacity: 100, maxBytes: 250, TimeSpan.FromMinutes(1), minimum: 1, _clock);
        ring.Reset(0);
        for (var revision = 1; revision <= 5; revision++)
        {
            ring.Append(Event(revision, size: 100));
        }

        Assert.Equal(2, ring.Count);
        Assert.Equal(200, ring.Bytes);
    }

    [Fact]
    public void Stale_events_go_once_more_than_the_minimum_are_kept_even_while_nothing_new_comes()
    {
        var ring = new EventRing(capacity: 100, maxBytes: 1 << 20, TimeSpan.FromSeconds(75), minimum: 2, _clock);
        ring.Reset(0);
        for (var revision = 1; revision <= 5; revision++)
        {
            ring.Append(Event(revision));
        }

        _clock.Advance(TimeSpan.FromSeconds(76));
        ring.Trim();

        Assert.Equal(2, ring.Count);
        Assert.Equal(3, ring.CoveredAfter);
    }

    [Fact]
    public void Positions_stay_valid_while_the_buffer_grows_and_wraps()
    {
        var ring = new EventRing(capacity: 40, maxBytes: 1 << 20, TimeSpan.FromMinutes(1), minimum: 1, _clock);
        ring.Reset(0);
        for (var revision = 1; revision <= 100; revision++)
        {
            ring.Append(Event(revision));
        }

        Assert.True(ring.TryFind(80, out var index));
        Assert.Equal(Enumerable.Range(81, 20).Select(r => (long)r), Read(ring, index));
        Assert.Equal(60, ring.CoveredAfter);
    }

    private static CachedEvent Event(long revision, int size = 10) =>
        new(StoreEventType.Modified, $"/configmaps/default/c{revision}", revision, new byte[size], null, null);

    private static List<long> Read(EventRing ring, long index)
    {
        var events = new List<CachedEvent>();
        Assert.True(ring.TryRead(index, events, int.MaxValue));
        return [.. events.Select(e => e.Revision)];
    }
}
