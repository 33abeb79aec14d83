using System.Text;

namespace Axolotl.Storage.Tests;

/// <summary>
/// The IStore contract, run against every store by subclassing (kine keeps one such suite for all its
/// back ends). Subclasses only say how to make a fresh, empty store.
/// </summary>
public abstract partial class StoreConformanceTests : IAsyncLifetime
{
    private readonly List<IStore> _stores = [];
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(60));

    /// <summary>Every wait in this suite gives up here instead of hanging the run.</summary>
    protected CancellationToken Ct => _deadline.Token;

    /// <summary>Creates a fresh, empty store; the suite disposes it.</summary>
    protected abstract Task<IStore> CreateStoreCoreAsync(int watchChannelCapacity);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _deadline.Dispose();
    }

    protected async Task<IStore> CreateStoreAsync(int watchChannelCapacity = 1000)
    {
        var store = await CreateStoreCoreAsync(watchChannelCapacity);
        _stores.Add(store);
        return store;
    }

    /// <summary>
    /// The revision of a fresh, empty store: 0 for SQLite and memory, 1 for etcd (an empty etcd is at
    /// revision 1 and the store keeps etcd's revisions as they are). The suite counts writes from here.
    /// </summary>
    protected virtual long EmptyRevision => 0;

    /// <summary>The revision of the n-th write to a fresh store.</summary>
    protected long R(long n) => EmptyRevision + n;

    protected static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(StoreEntry entry) => Encoding.UTF8.GetString(entry.Value.Span);

    [Fact]
    public async Task A_created_key_can_be_read_back_with_its_revisions()
    {
        var store = await CreateStoreAsync();

        var created = await store.CreateAsync("/pods/default/web", Bytes("v1"), Ct);
        var read = await store.GetAsync("/pods/default/web", Ct);

        Assert.Equal(R(1), store.CurrentRevision);
        Assert.Equal(store.CurrentRevision, created.ModRevision);
        Assert.Equal(created.ModRevision, created.CreateRevision);
        Assert.NotNull(read);
        Assert.Equal("v1", Text(read));
        Assert.Equal(created.ModRevision, read.ModRevision);
        Assert.Equal(created.CreateRevision, read.CreateRevision);
    }

    [Fact]
    public async Task A_missing_key_reads_as_null()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.GetAsync("/pods/default/nothing", Ct));
        Assert.Equal(R(0), store.CurrentRevision);
    }

    [Fact]
    public async Task An_empty_value_round_trips()
    {
        var store = await CreateStoreAsync();

        await store.CreateAsync("/configmaps/default/empty", ReadOnlyMemory<byte>.Empty, Ct);

        var read = await store.GetAsync("/configmaps/default/empty", Ct);
        Assert.NotNull(read);
        Assert.Equal(0, read.Value.Length);
    }

    [Fact]
    public async Task Creating_an_existing_key_fails_without_using_a_revision()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/default/web", Bytes("v1"), Ct);

        await Assert.ThrowsAsync<KeyExistsException>(() => store.CreateAsync("/pods/default/web", Bytes("v2"), Ct));

        Assert.Equal(R(1), store.CurrentRevision);
        Assert.Equal("v1", Text((await store.GetAsync("/pods/default/web", Ct))!));
    }

    [Fact]
    public async Task An_update_with_the_current_revision_replaces_the_value_and_keeps_the_create_revision()
    {
        var store = await CreateStoreAsync();
        var created = await store.CreateAsync("/pods/default/web", Bytes("v1"), Ct);
        await store.CreateAsync("/pods/default/other", Bytes("x"), Ct);

        var updated = await store.UpdateAsync("/pods/default/web", Bytes("v2"), created.ModRevision, Ct);

        Assert.Equal(R(3), updated.ModRevision);
        Assert.Equal(created.CreateRevision, updated.CreateRevision);
        var read = await store.GetAsync("/pods/default/web", Ct);
        Assert.Equal("v2", Text(read!));
        Assert.Equal(R(3), read!.ModRevision);
    }

    [Fact]
    public async Task An_update_with_a_stale_revision_conflicts_and_reports_the_actual_one()
    {
        var store = await CreateStoreAsync();
        var created = await store.CreateAsync("/pods/default/web", Bytes("v1"), Ct);
        var updated = await store.UpdateAsync("/pods/default/web", Bytes("v2"), created.ModRevision, Ct);

        var conflict = await Assert.ThrowsAsync<RevisionConflictException>(
            () => store.UpdateAsync("/pods/default/web", Bytes("v3"), created.ModRevision, Ct));

        Assert.Equal(updated.ModRevision, conflict.ActualRevision);
        Assert.Equal(updated.ModRevision, store.CurrentRevision);
        Assert.Equal("v2", Text((await store.GetAsync("/pods/default/web", Ct))!));
    }

    [Fact]
    public async Task Updating_or_deleting_a_missing_key_fails_with_not_found()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<KeyNotFoundInStoreException>(() => store.UpdateAsync("/pods/default/web", Bytes("v"), 1, Ct));
        await Assert.ThrowsAsync<KeyNotFoundInStoreException>(() => store.DeleteAsync("/pods/default/web", 0, Ct));
        Assert.Equal(R(0), store.CurrentRevision);
    }

    [Fact]
    public async Task Updating_or_deleting_a_deleted_key_fails_with_not_found()
    {
        var store = await CreateStoreAsync();
        var created = await store.CreateAsync("/pods/default/web", Bytes("v1"), Ct);
        await store.DeleteAsync("/pods/default/web", 0, Ct);

        await Assert.ThrowsAsync<KeyNotFoundInStoreException>(() => store.UpdateAsync("/pods/default/web", Bytes("v"), created.ModRevision, Ct));
        await Assert.ThrowsAsync<KeyNotFoundInStoreException>(() => store.DeleteAsync("/pods/default/web", 0, Ct));
    }

    [Fact]
    public async Task A_delete_without_expected_revision_returns_the_last_value_at_the_deletion_revision()
    {
        var store = await CreateStoreAsync();
        var created = await store.CreateAsync("/pods/default/web", Bytes("v1"), Ct);

        var deleted = await store.DeleteAsync("/pods/default/web", 0, Ct);

        Assert.Equal("v1", Text(deleted));
        Assert.Equal(R(2), deleted.ModRevision);
        Assert.Equal(created.CreateRevision, deleted.CreateRevision);
        Assert.Equal(R(2), store.CurrentRevision);
        Assert.Null(await store.GetAsync("/pods/default/web", Ct));
    }

    [Fact]
    public async Task A_delete_with_an_expected_revision_succeeds_only_when_it_matches()
    {
        var store = await CreateStoreAsync();
        var created = await store.CreateAsync("/pods/default/web", Bytes("v1"), Ct);
        var updated = await store.UpdateAsync("/pods/default/web", Bytes("v2"), created.ModRevision, Ct);

        var conflict = await Assert.ThrowsAsync<RevisionConflictException>(() => store.DeleteAsync("/pods/default/web", created.ModRevision, Ct));
        Assert.Equal(updated.ModRevision, conflict.ActualRevision);
        Assert.NotNull(await store.GetAsync("/pods/default/web", Ct));

        var deleted = await store.DeleteAsync("/pods/default/web", updated.ModRevision, Ct);
        Assert.Equal("v2", Text(deleted));
        Assert.Null(await store.GetAsync("/pods/default/web", Ct));
    }

    [Fact]
    public async Task A_key_created_again_after_deletion_gets_a_new_create_revision()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/default/web", Bytes("v1"), Ct);
        await store.DeleteAsync("/pods/default/web", 0, Ct);

        var again = await store.CreateAsync("/pods/default/web", Bytes("v2"), Ct);

        Assert.Equal(R(3), again.CreateRevision);
        Assert.Equal(R(3), again.ModRevision);
        var read = await store.GetAsync("/pods/default/web", Ct);
        Assert.Equal("v2", Text(read!));
        Assert.Equal(R(3), read!.CreateRevision);
    }

    [Fact]
    public async Task The_returned_entry_does_not_alias_the_callers_buffer()
    {
        var store = await CreateStoreAsync();
        var buffer = Encoding.UTF8.GetBytes("v1");

        var created = await store.CreateAsync("/pods/default/web", buffer, Ct);
        buffer[0] = (byte)'X';

        Assert.Equal("v1", Text(created));
        Assert.Equal("v1", Text((await store.GetAsync("/pods/default/web", Ct))!));
    }
}
