namespace Axolotl.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Compaction_keeps_current_values_and_forgets_deleted_keys()
    {
        var store = await CreateStoreAsync();
        var a = await store.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);
        await store.UpdateAsync("/pods/ns/a", Bytes("a2"), a.ModRevision, Ct);
        await store.CreateAsync("/pods/ns/b", Bytes("b1"), Ct);
        await store.DeleteAsync("/pods/ns/b", 0, Ct);
        await store.CreateAsync("/pods/ns/c", Bytes("c1"), Ct);

        await store.CompactAsync(store.CurrentRevision, Ct);

        Assert.Equal(R(5), store.CompactRevision);
        Assert.Equal(R(5), store.CurrentRevision);
        var list = await store.ListAsync("/pods/ns/", 0, null, Ct);
        Assert.Equal(["a2", "c1"], list.Items.Select(Text));
        Assert.Equal([R(2), R(5)], list.Items.Select(i => i.ModRevision));
        Assert.Equal(R(1), list.Items[0].CreateRevision);
        Assert.Null(await store.GetAsync("/pods/ns/b", Ct));
        Assert.Equal(R(2), (await store.GetAsync("/pods/ns/a", Ct))!.ModRevision);
    }

    [Fact]
    public async Task A_watch_from_below_the_compact_revision_fails_with_compacted()
    {
        var store = await CreateStoreAsync();
        for (var i = 1; i <= 5; i++)
        {
            await store.CreateAsync($"/pods/ns/p{i}", Bytes($"{i}"), Ct);
        }

        await store.CompactAsync(R(3), Ct);

        var error = await Assert.ThrowsAsync<CompactedException>(async () =>
        {
            await foreach (var _ in store.WatchAsync("/pods/", R(2), Ct))
            {
            }
        });
        Assert.Equal(R(2), error.RequestedRevision);
        Assert.Equal(R(3), error.CompactedRevision);
        await Assert.ThrowsAsync<CompactedException>(async () => await store.WatchAsync("/pods/", 0, Ct).GetAsyncEnumerator(Ct).MoveNextAsync());

        await using var fromCompact = store.WatchAsync("/pods/", R(3), Ct).GetAsyncEnumerator(Ct);
        Assert.Equal([R(4), R(5)], (await TakeAsync(fromCompact, 2)).Select(e => e.Entry.ModRevision));
    }

    [Fact]
    public async Task A_continue_token_below_the_compact_revision_fails_with_compacted()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        await store.CreateAsync("/pods/ns/b", Bytes("b"), Ct);
        var page = await store.ListAsync("/pods/ns/", 1, null, Ct);
        await store.CreateAsync("/pods/ns/c", Bytes("c"), Ct);

        await store.CompactAsync(store.CurrentRevision, Ct);

        var error = await Assert.ThrowsAsync<CompactedException>(() => store.ListAsync("/pods/ns/", 1, page.Continue, Ct));
        Assert.Equal(R(2), error.RequestedRevision);
    }

    [Fact]
    public async Task A_continue_token_at_the_compact_revision_still_reads_the_old_state()
    {
        var store = await CreateStoreAsync();
        var a = await store.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);
        var b = await store.CreateAsync("/pods/ns/b", Bytes("b1"), Ct);
        var c = await store.CreateAsync("/pods/ns/c", Bytes("c1"), Ct);
        var page = await store.ListAsync("/pods/ns/", 1, null, Ct);
        await store.UpdateAsync("/pods/ns/b", Bytes("b2"), b.ModRevision, Ct);
        await store.DeleteAsync("/pods/ns/c", c.ModRevision, Ct);
        await store.UpdateAsync("/pods/ns/a", Bytes("a2"), a.ModRevision, Ct);

        await store.CompactAsync(page.Revision, Ct);
        var rest = await store.ListAsync("/pods/ns/", 0, page.Continue, Ct);

        Assert.Equal(["b1", "c1"], rest.Items.Select(Text));
        Assert.Equal(page.Revision, rest.Revision);
    }

    [Fact]
    public async Task A_deleted_and_compacted_key_can_be_created_again()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);
        await store.DeleteAsync("/pods/ns/a", 0, Ct);
        await store.CompactAsync(store.CurrentRevision, Ct);

        var again = await store.CreateAsync("/pods/ns/a", Bytes("a2"), Ct);
        var updated = await store.UpdateAsync("/pods/ns/a", Bytes("a3"), again.ModRevision, Ct);

        Assert.Equal(R(3), again.CreateRevision);
        Assert.Equal(R(4), updated.ModRevision);
        Assert.Equal("a3", Text((await store.GetAsync("/pods/ns/a", Ct))!));
    }

    [Fact]
    public async Task Compacting_an_older_revision_than_already_compacted_changes_nothing()
    {
        var store = await CreateStoreAsync();
        for (var i = 1; i <= 4; i++)
        {
            await store.CreateAsync($"/pods/ns/p{i}", Bytes($"{i}"), Ct);
        }

        await store.CompactAsync(R(3), Ct);
        await store.CompactAsync(R(2), Ct);

        Assert.Equal(R(3), store.CompactRevision);
        Assert.Equal(4, (await store.ListAsync("/pods/", 0, null, Ct)).Items.Count);
    }

    [Fact]
    public async Task Compacting_beyond_the_current_revision_is_rejected()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.CompactAsync(R(2), Ct));
        Assert.Equal(0, store.CompactRevision);
    }

    [Fact]
    public async Task Revisions_never_go_back_after_the_newest_write_is_compacted_away()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        await store.DeleteAsync("/pods/ns/a", 0, Ct);
        await store.CompactAsync(R(2), Ct);

        var next = await store.CreateAsync("/pods/ns/b", Bytes("b"), Ct);

        Assert.Equal(R(3), next.ModRevision);
    }
}
