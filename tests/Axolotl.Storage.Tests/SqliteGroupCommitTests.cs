using System.Text;
using Axolotl.Storage.Sqlite;

namespace Axolotl.Storage.Tests;

/// <summary>Writes that wait for the write lock together commit in one transaction, and each still succeeds or fails alone.</summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _deadline.Token;

    public void Dispose()
    {
        _deadline.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Writes_queued_behind_the_lock_commit_as_one_group_and_a_refused_one_fails_alone()
    {
        await using var store = await OpenAsync();
        var b = await store.CreateAsync("/pods/ns/b", Bytes("b1"), Ct);
        var before = store.GroupsCommitted;
        await using var watch = store.WatchAsync("/pods/", b.ModRevision, Ct).GetAsyncEnumerator(Ct);

        Task<StoreEntry> createA, createAAgain, staleUpdate, updateB, deleteMissing;
        using (await store.HoldWritesAsync(Ct))
        {
            createA = store.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);
            createAAgain = store.CreateAsync("/pods/ns/a", Bytes("a2"), Ct);
            staleUpdate = store.UpdateAsync("/pods/ns/b", Bytes("stale"), b.ModRevision + 5, Ct);
            updateB = store.UpdateAsync("/pods/ns/b", Bytes("b2"), b.ModRevision, Ct);
            deleteMissing = store.DeleteAsync("/pods/ns/missing", 0, Ct);
            await Task.Delay(50, Ct);
            Assert.False(createA.IsCompleted);
        }

        // Each write decided as if alone, in queue order: the second create of a saw the first.
        Assert.Equal(b.ModRevision + 1, (await createA).ModRevision);
        await Assert.ThrowsAsync<KeyExistsException>(() => createAAgain);
        await Assert.ThrowsAsync<RevisionConflictException>(() => staleUpdate);
        Assert.Equal(b.ModRevision + 2, (await updateB).ModRevision);
        await Assert.ThrowsAsync<KeyNotFoundInStoreException>(() => deleteMissing);
        Assert.Equal(before + 1, store.GroupsCommitted);
        Assert.Equal(b.ModRevision + 2, store.CurrentRevision);

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(("/pods/ns/a", StoreEventType.Added), (watch.Current.Entry.Key, watch.Current.Type));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(("/pods/ns/b", "b2"), (watch.Current.Entry.Key, Encoding.UTF8.GetString(watch.Current.Entry.Value.Span)));
        Assert.Equal("a1", Encoding.UTF8.GetString((await store.GetAsync("/pods/ns/a", Ct))!.Value.Span));
    }

    [Fact]
    public async Task A_write_cancelled_while_it_waits_for_the_lock_is_never_written()
    {
        await using var store = await OpenAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<StoreEntry> cancelled, kept;
        using (await store.HoldWritesAsync(Ct))
        {
            cancelled = store.CreateAsync("/pods/ns/gone", Bytes("x"), cancel.Token);
            kept = store.CreateAsync("/pods/ns/kept", Bytes("y"), Ct);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        }

        Assert.Equal(1, (await kept).ModRevision);
        Assert.Null(await store.GetAsync("/pods/ns/gone", Ct));
        Assert.Equal(1, store.CurrentRevision);
    }

    [Fact]
    public async Task More_writes_than_a_group_holds_are_written_in_several_groups_in_order()
    {
        await using var store = await OpenAsync();
        const int Writes = SqliteStore.MaxGroup * 2 + 3;
        var before = store.GroupsCommitted;
        var creates = new List<Task<StoreEntry>>();
        using (await store.HoldWritesAsync(Ct))
        {
            for (var i = 0; i < Writes; i++)
            {
                creates.Add(store.CreateAsync($"/pods/ns/p{i:D4}", Bytes($"{i}"), Ct));
            }
        }

        var revisions = (await Task.WhenAll(creates)).Select(e => e.ModRevision).ToList();
        Assert.Equal(Enumerable.Range(1, Writes).Select(i => (long)i), revisions);
        Assert.Equal(before + 3, store.GroupsCommitted);
    }

    private Task<SqliteStore> OpenAsync() =>
        SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(_directory.Path, "group.db"), CompactionInterval = TimeSpan.Zero }, TimeProvider.System, Ct);

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
