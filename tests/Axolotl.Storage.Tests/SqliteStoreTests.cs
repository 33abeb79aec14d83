using System.Text;
using Axolotl.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Axolotl.Storage.Tests;

/// <summary>What only a store with a file behind it must do: survive restarts and crashes.</summary>
public sealed class SqliteStoreTests : IDisposable
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
    public async Task Data_and_revisions_survive_a_clean_restart()
    {
        var path = DbPath("restart.db");
        await using (var store = await OpenAsync(path))
        {
            var a = await store.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);
            await store.UpdateAsync("/pods/ns/a", Bytes("a2"), a.ModRevision, Ct);
            await store.CreateAsync("/pods/ns/b", Bytes("b1"), Ct);
        }

        await using var reopened = await OpenAsync(path);

        Assert.Equal(3, reopened.CurrentRevision);
        var a2 = await reopened.GetAsync("/pods/ns/a", Ct);
        Assert.Equal("a2", Text(a2!));
        Assert.Equal(1, a2!.CreateRevision);
        Assert.Equal(2, a2.ModRevision);
        Assert.Equal(4, (await reopened.UpdateAsync("/pods/ns/a", Bytes("a3"), 2, Ct)).ModRevision);
    }

    [Fact]
    public async Task Revisions_strictly_increase_across_a_restart_after_the_newest_key_was_deleted_and_compacted()
    {
        var path = DbPath("monotonic.db");
        await using (var store = await OpenAsync(path))
        {
            await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
            await store.CreateAsync("/pods/ns/b", Bytes("b"), Ct);
            await store.DeleteAsync("/pods/ns/b", 0, Ct);
            await store.CompactAsync(3, Ct);
        }

        await using var reopened = await OpenAsync(path);

        Assert.Equal(3, reopened.CurrentRevision);
        Assert.Equal(3, reopened.CompactRevision);
        Assert.Equal(4, (await reopened.CreateAsync("/pods/ns/c", Bytes("c"), Ct)).ModRevision);
        Assert.Equal(5, (await reopened.CreateAsync("/pods/ns/b", Bytes("b again"), Ct)).ModRevision);
    }

    [Fact]
    public async Task The_compact_revision_survives_a_restart_and_still_rejects_old_watches()
    {
        var path = DbPath("compact.db");
        await using (var store = await OpenAsync(path))
        {
            for (var i = 0; i < 5; i++)
            {
                await store.CreateAsync($"/pods/ns/p{i}", Bytes("x"), Ct);
            }

            await store.CompactAsync(4, Ct);
        }

        await using var reopened = await OpenAsync(path);

        Assert.Equal(4, reopened.CompactRevision);
        await Assert.ThrowsAsync<CompactedException>(async () => await reopened.WatchAsync("/pods/", 3, Ct).GetAsyncEnumerator(Ct).MoveNextAsync());
        await using var watch = reopened.WatchAsync("/pods/", 4, Ct).GetAsyncEnumerator(Ct);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(5, watch.Current.Entry.ModRevision);
    }

    [Fact]
    public async Task An_acknowledged_write_is_in_the_files_before_the_store_is_closed()
    {
        // Copying the database and its WAL while the writer is still open is what a kill -9 leaves behind:
        // nothing was checkpointed or closed cleanly, and the copy has no shared-memory index.
        var path = DbPath("live.db");
        await using var store = await OpenAsync(path);
        for (var i = 0; i < 50; i++)
        {
            await store.CreateAsync($"/pods/ns/p{i:D2}", Bytes($"v{i}"), Ct);
        }

        var updated = await store.UpdateAsync("/pods/ns/p07", Bytes("changed"), 8, Ct);
        await store.DeleteAsync("/pods/ns/p09", 0, Ct);

        var copy = DbPath("crashed.db");
        File.Copy(path, copy);
        File.Copy(path + "-wal", copy + "-wal");
        await using var recovered = await OpenAsync(copy);

        Assert.Equal(52, recovered.CurrentRevision);
        Assert.Equal(49, (await recovered.ListAsync("/pods/ns/", 0, null, Ct)).Items.Count);
        var p07 = await recovered.GetAsync("/pods/ns/p07", Ct);
        Assert.Equal("changed", Text(p07!));
        Assert.Equal(updated.ModRevision, p07!.ModRevision);
        Assert.Null(await recovered.GetAsync("/pods/ns/p09", Ct));
    }

    [Fact]
    public async Task The_log_uses_wal_and_rejects_two_rows_with_the_same_key_and_previous_revision()
    {
        var path = DbPath("schema.db");
        await using var store = await OpenAsync(path);
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());

        // A second writer (say another process) that read the same previous revision loses on the index.
        command.CommandText = "INSERT INTO kv (name, created, deleted, create_revision, prev_revision, value) VALUES ('/pods/ns/a', 1, 0, 9, 0, x'00')";
        var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
    }

    [Fact]
    public async Task Compaction_deletes_superseded_and_deletion_rows_but_keeps_each_keys_current_row()
    {
        var path = DbPath("rows.db");
        await using var store = await OpenAsync(path);
        var a = await store.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);          // 1: superseded by 2
        await store.UpdateAsync("/pods/ns/a", Bytes("a2"), a.ModRevision, Ct);   // 2: current
        await store.CreateAsync("/pods/ns/b", Bytes("b1"), Ct);                  // 3: superseded by 4
        await store.DeleteAsync("/pods/ns/b", 0, Ct);                            // 4: deletion
        var c = await store.CreateAsync("/pods/ns/c", Bytes("c1"), Ct);          // 5: kept, superseded only after 5
        await store.UpdateAsync("/pods/ns/c", Bytes("c2"), c.ModRevision, Ct);   // 6: above the compact revision

        await store.CompactAsync(5, Ct);

        Assert.Equal([2L, 5, 6], RowIds(path));
    }

    [Fact]
    public async Task A_database_already_open_elsewhere_is_refused_until_it_is_closed()
    {
        var path = DbPath("owned.db");
        var first = await OpenAsync(path);

        await Assert.ThrowsAsync<StoreException>(() => OpenAsync(path));

        await first.DisposeAsync();
        await using var second = await OpenAsync(path);
        Assert.Equal(0, second.CurrentRevision);
    }

    [Fact]
    public async Task A_write_the_store_did_not_see_commit_resyncs_the_revision_and_drops_watchers()
    {
        var path = DbPath("resync.db");
        await using var store = await OpenAsync(path);
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        await using var watch = store.WatchAsync("/pods/", 1, Ct).GetAsyncEnumerator(Ct);
        var next = watch.MoveNextAsync();

        // Stands in for a commit that succeeded although SQLite reported an error to the store.
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value) VALUES (2, '/pods/ns/ghost', 1, 0, 2, 0, x'00')";
            command.ExecuteNonQuery();
        }

        await Assert.ThrowsAsync<SqliteException>(() => store.CreateAsync("/pods/ns/b", Bytes("b"), Ct));

        Assert.Equal(2, store.CurrentRevision);
        await Assert.ThrowsAsync<CompactedException>(async () => await next);
        Assert.Equal(3, (await store.CreateAsync("/pods/ns/b", Bytes("b"), Ct)).ModRevision);
    }

    [Fact]
    public async Task A_database_from_a_newer_schema_is_refused()
    {
        var path = DbPath("future.db");
        await using (await OpenAsync(path))
        {
        }

        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE meta SET value = 99 WHERE key = 'schema_version'";
            command.ExecuteNonQuery();
        }

        await Assert.ThrowsAsync<StoreException>(() => OpenAsync(path));
    }

    private static List<long> RowIds(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM kv ORDER BY id";
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private Task<SqliteStore> OpenAsync(string path) =>
        SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path, CompactionInterval = TimeSpan.Zero }, TimeProvider.System, Ct);

    private string DbPath(string name) => Path.Combine(_directory.Path, name);

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(StoreEntry entry) => Encoding.UTF8.GetString(entry.Value.Span);
}
