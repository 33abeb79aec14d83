namespace Axolotl.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    /// <summary>Whether the store answers <see cref="IStore.UnchangedBetweenAsync"/> (the others are always unsure).</summary>
    protected virtual bool AnswersUnchanged => true;

    [Fact]
    public async Task A_prefix_is_unchanged_across_writes_elsewhere_and_changed_by_a_create_an_update_or_a_delete_under_it()
    {
        var store = await CreateStoreAsync();
        var a = await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        await store.CreateAsync("/pods/ns/b", Bytes("b"), Ct);
        var start = store.CurrentRevision;
        await store.CreateAsync("/configmaps/ns/x", Bytes("x"), Ct);
        await store.CreateAsync("/pods/other/y", Bytes("y"), Ct);
        var quiet = store.CurrentRevision;

        Assert.Equal(AnswersUnchanged, await store.UnchangedBetweenAsync("/pods/ns/", start, quiet, Ct));
        Assert.Equal(AnswersUnchanged, await store.UnchangedBetweenAsync("/pods/ns/", quiet, quiet, Ct));

        var created = await store.CreateAsync("/pods/ns/c", Bytes("c"), Ct);
        Assert.False(await store.UnchangedBetweenAsync("/pods/ns/", quiet, created.ModRevision, Ct));
        Assert.False(await store.UnchangedBetweenAsync("/pods/", start, quiet, Ct));

        var updated = await store.UpdateAsync("/pods/ns/a", Bytes("a2"), a.ModRevision, Ct);
        Assert.False(await store.UnchangedBetweenAsync("/pods/ns/", created.ModRevision, updated.ModRevision, Ct));

        var deleted = await store.DeleteAsync("/pods/ns/b", 0, Ct);
        Assert.False(await store.UnchangedBetweenAsync("/pods/ns/", updated.ModRevision, deleted.ModRevision, Ct));
    }

    [Fact]
    public async Task A_key_deleted_and_created_again_in_between_is_a_change()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        var start = store.CurrentRevision;
        await store.CreateAsync("/pods/ns/brief", Bytes("b"), Ct);
        await store.DeleteAsync("/pods/ns/brief", 0, Ct);
        await store.DeleteAsync("/pods/ns/a", 0, Ct);
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);

        // Same keys and values either side, but not the same list: a's revisions differ.
        Assert.False(await store.UnchangedBetweenAsync("/pods/ns/", start, store.CurrentRevision, Ct));
    }

    [Fact]
    public async Task A_compacted_start_is_unsure()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        var start = store.CurrentRevision;
        await store.CreateAsync("/configmaps/ns/x", Bytes("x"), Ct);
        await store.CreateAsync("/configmaps/ns/y", Bytes("y"), Ct);
        await store.CompactAsync(store.CurrentRevision - 1, Ct);

        Assert.False(await store.UnchangedBetweenAsync("/pods/ns/", start, store.CurrentRevision, Ct));
    }
}
