namespace Axolotl.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task A_watch_from_zero_replays_every_change_in_order()
    {
        var store = await CreateStoreAsync();
        var a = await store.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);
        await store.UpdateAsync("/pods/ns/a", Bytes("a2"), a.ModRevision, Ct);
        await store.CreateAsync("/pods/ns/b", Bytes("b1"), Ct);
        await store.DeleteAsync("/pods/ns/a", 0, Ct);

        await using var watch = store.WatchAsync("/pods/", 0, Ct).GetAsyncEnumerator(Ct);
        var events = await TakeAsync(watch, 4);

        Assert.Equal([StoreEventType.Added, StoreEventType.Modified, StoreEventType.Added, StoreEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal([R(1), R(2), R(3), R(4)], events.Select(e => e.Entry.ModRevision));
        Assert.Equal(["a1", "a2", "b1", "a2"], events.Select(e => Text(e.Entry)));
    }

    [Fact]
    public async Task A_watch_from_a_middle_revision_starts_after_it_and_continues_live()
    {
        var store = await CreateStoreAsync();
        for (var i = 1; i <= 4; i++)
        {
            await store.CreateAsync($"/pods/ns/p{i}", Bytes($"{i}"), Ct);
        }

        await using var watch = store.WatchAsync("/pods/", R(2), Ct).GetAsyncEnumerator(Ct);
        var replayed = await TakeAsync(watch, 2);
        await store.CreateAsync("/pods/ns/p5", Bytes("5"), Ct);
        var live = await TakeAsync(watch, 1);

        Assert.Equal([R(3), R(4)], replayed.Select(e => e.Entry.ModRevision));
        Assert.Equal("/pods/ns/p5", live[0].Entry.Key);
        Assert.Equal(R(5), live[0].Entry.ModRevision);
    }

    [Fact]
    public async Task A_watch_from_the_current_revision_sees_only_later_changes()
    {
        var store = await CreateStoreAsync();
        var old = await store.CreateAsync("/pods/ns/old", Bytes("old"), Ct);

        await using var watch = store.WatchAsync("/pods/", store.CurrentRevision, Ct).GetAsyncEnumerator(Ct);
        var next = watch.MoveNextAsync();
        var updated = await store.UpdateAsync("/pods/ns/old", Bytes("new"), old.ModRevision, Ct);

        Assert.True(await next);
        Assert.Equal(StoreEventType.Modified, watch.Current.Type);
        Assert.Equal(updated.ModRevision, watch.Current.Entry.ModRevision);
        Assert.Equal(old.CreateRevision, watch.Current.Entry.CreateRevision);
        Assert.Equal("new", Text(watch.Current.Entry));
    }

    [Fact]
    public async Task A_watch_sees_only_keys_under_its_prefix()
    {
        var store = await CreateStoreAsync();
        await using var watch = store.WatchAsync("/pods/default/", 0, Ct).GetAsyncEnumerator(Ct);
        var first = watch.MoveNextAsync();

        await store.CreateAsync("/pods/default2/x", Bytes("other namespace"), Ct);
        await store.CreateAsync("/services/default/x", Bytes("other resource"), Ct);
        await store.CreateAsync("/pods/default", Bytes("not under the prefix"), Ct);
        await store.CreateAsync("/pods/default/mine", Bytes("mine"), Ct);
        await store.CreateAsync("/pods/default2/y", Bytes("other namespace"), Ct);
        await store.CreateAsync("/pods/default/mine2", Bytes("mine2"), Ct);

        Assert.True(await first);
        Assert.Equal("/pods/default/mine", watch.Current.Entry.Key);
        Assert.Equal(R(4), watch.Current.Entry.ModRevision);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("/pods/default/mine2", watch.Current.Entry.Key);
    }

    [Fact]
    public async Task A_replayed_watch_also_filters_by_prefix()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/default2/x", Bytes("no"), Ct);
        await store.CreateAsync("/pods/default/a", Bytes("yes"), Ct);
        await store.CreateAsync("/pods/default2/y", Bytes("no"), Ct);

        await using var watch = store.WatchAsync("/pods/default/", 0, Ct).GetAsyncEnumerator(Ct);
        var replayed = await TakeAsync(watch, 1);
        await store.CreateAsync("/pods/default/b", Bytes("yes"), Ct);
        var live = await TakeAsync(watch, 1);

        Assert.Equal("/pods/default/a", replayed[0].Entry.Key);
        Assert.Equal("/pods/default/b", live[0].Entry.Key);
    }

    [Fact]
    public async Task A_deletion_event_carries_the_last_value_and_the_deletion_revision()
    {
        var store = await CreateStoreAsync();
        var created = await store.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);
        var updated = await store.UpdateAsync("/pods/ns/a", Bytes("a2"), created.ModRevision, Ct);
        await using var live = store.WatchAsync("/pods/ns/", store.CurrentRevision, Ct).GetAsyncEnumerator(Ct);
        var next = live.MoveNextAsync();

        var deleted = await store.DeleteAsync("/pods/ns/a", updated.ModRevision, Ct);

        Assert.True(await next);
        AssertDeletion(live.Current);
        await using var replay = store.WatchAsync("/pods/ns/", updated.ModRevision, Ct).GetAsyncEnumerator(Ct);
        AssertDeletion((await TakeAsync(replay, 1))[0]);

        void AssertDeletion(StoreEvent e)
        {
            Assert.Equal(StoreEventType.Deleted, e.Type);
            Assert.Equal("a2", Text(e.Entry));
            Assert.Equal(deleted.ModRevision, e.Entry.ModRevision);
            Assert.Equal(created.CreateRevision, e.Entry.CreateRevision);
        }
    }

    [Fact]
    public async Task Cancelling_a_watch_ends_it_with_operation_cancelled()
    {
        var store = await CreateStoreAsync();
        using var cancel = new CancellationTokenSource();
        await using var watch = store.WatchAsync("/pods/", 0, cancel.Token).GetAsyncEnumerator(Ct);
        var next = watch.MoveNextAsync();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
    }

    [Fact]
    public async Task Disposing_the_store_ends_open_watches()
    {
        var store = await CreateStoreCoreAsync(1000);
        await using var watch = store.WatchAsync("/pods/", 0, Ct).GetAsyncEnumerator(Ct);
        var next = watch.MoveNextAsync();

        await store.DisposeAsync();

        Assert.False(await next.AsTask().WaitAsync(Ct));
    }

    [Fact]
    public async Task A_watcher_that_falls_behind_is_dropped_without_blocking_writers()
    {
        var store = await CreateStoreAsync(watchChannelCapacity: 4);
        await using var slow = store.WatchAsync("/pods/", 0, Ct).GetAsyncEnumerator(Ct);
        var first = slow.MoveNextAsync();
        await store.CreateAsync("/pods/ns/p0", Bytes("0"), Ct);
        Assert.True(await first);

        // Nobody reads now: if writers waited for the watcher, these would never finish.
        for (var i = 1; i <= 20; i++)
        {
            await store.CreateAsync($"/pods/ns/p{i}", Bytes($"{i}"), Ct).WaitAsync(Ct);
        }

        var delivered = new List<long>();
        var dropped = await Assert.ThrowsAsync<CompactedException>(async () =>
        {
            while (await slow.MoveNextAsync())
            {
                delivered.Add(slow.Current.Entry.ModRevision);
            }
        });

        Assert.Equal([R(2), R(3), R(4), R(5)], delivered);
        Assert.Equal(R(5), dropped.RequestedRevision);
        Assert.Equal(R(21), store.CurrentRevision);

        // A fresh watch from where the dropped one stopped still works: the client can resume or relist.
        await using var again = store.WatchAsync("/pods/", dropped.RequestedRevision, Ct).GetAsyncEnumerator(Ct);
        Assert.Equal(Enumerable.Range(6, 16).Select(i => R(i)), (await TakeAsync(again, 16)).Select(e => e.Entry.ModRevision));
    }

    [Fact]
    public async Task A_watch_starting_in_the_future_waits_for_that_revision()
    {
        var store = await CreateStoreAsync();
        await using var watch = store.WatchAsync("/pods/", R(2), Ct).GetAsyncEnumerator(Ct);
        var next = watch.MoveNextAsync();

        await store.CreateAsync("/pods/ns/a", Bytes("1"), Ct);
        await store.CreateAsync("/pods/ns/b", Bytes("2"), Ct);
        await store.CreateAsync("/pods/ns/c", Bytes("3"), Ct);

        Assert.True(await next);
        Assert.Equal(R(3), watch.Current.Entry.ModRevision);
    }

    protected async Task<List<StoreEvent>> TakeAsync(IAsyncEnumerator<StoreEvent> watch, int count)
    {
        var events = new List<StoreEvent>(count);
        while (events.Count < count)
        {
            Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(Ct), $"watch ended after {events.Count} of {count} events");
            events.Add(watch.Current);
        }

        return events;
    }
}
