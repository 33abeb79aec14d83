namespace Axolotl.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    /// <summary>Whether the store vouches for progress (etcd 3.4.23's answers cannot be trusted, ADR 0032: its watches get none).</summary>
    protected virtual bool SendsProgress => true;

    [Fact]
    public async Task A_watch_with_progress_hears_of_writes_outside_its_prefix_after_every_change_before_them()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        await using var watch = store.WatchWithProgressAsync("/pods/", 0, Ct).GetAsyncEnumerator(Ct);
        var replayed = await TakeAsync(watch, 1);
        await store.CreateAsync("/configmaps/ns/quiet-elsewhere", Bytes("x"), Ct);
        var elsewhere = store.CurrentRevision;

        await store.RequestProgressAsync(Ct);
        var later = await store.CreateAsync("/pods/ns/b", Bytes("b"), Ct);
        var events = await TakeAsync(watch, SendsProgress ? 2 : 1);

        Assert.Equal("/pods/ns/a", replayed[0].Entry.Key);
        if (SendsProgress)
        {
            Assert.Equal(StoreEventType.Progress, events[0].Type);
            Assert.Equal(elsewhere, events[0].Entry.ModRevision);
            Assert.Equal("", events[0].Entry.Key);
        }
        Assert.Equal(StoreEventType.Added, events[^1].Type);
        Assert.Equal(later.ModRevision, events[^1].Entry.ModRevision);
    }

    [Fact]
    public async Task A_watch_that_did_not_ask_for_progress_never_gets_any()
    {
        var store = await CreateStoreAsync();
        await using var watch = store.WatchAsync("/pods/", store.CurrentRevision, Ct).GetAsyncEnumerator(Ct);
        var next = watch.MoveNextAsync();
        await store.CreateAsync("/configmaps/ns/x", Bytes("x"), Ct);
        await store.RequestProgressAsync(Ct);
        var created = await store.CreateAsync("/pods/ns/c", Bytes("c"), Ct);

        Assert.True(await next);
        Assert.Equal(StoreEventType.Added, watch.Current.Type);
        Assert.Equal(created.ModRevision, watch.Current.Entry.ModRevision);
    }
}
