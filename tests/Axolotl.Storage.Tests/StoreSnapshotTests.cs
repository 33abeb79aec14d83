using System.IO.Compression;
using System.Text;
using Axolotl.Storage.Memory;
using Axolotl.Storage.Snapshots;
using Axolotl.Storage.Sqlite;

namespace Axolotl.Storage.Tests;

public sealed class StoreSnapshotTests : IDisposable
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
    public async Task A_sqlite_snapshot_restores_every_key_with_its_revisions_and_history_before_it_compacted()
    {
        await using var source = await OpenAsync("source.db");
        var a = await source.CreateAsync("/pods/ns/a", Bytes("a1"), Ct);
        await source.UpdateAsync("/pods/ns/a", Bytes("a2"), a.ModRevision, Ct);
        var b = await source.CreateAsync("/apps/deployments/ns/b", new byte[] { 0, 255, 10, 13 }, Ct);
        await source.DeleteAsync("/apps/deployments/ns/b", b.ModRevision, Ct);
        await source.CreateAsync("/secrets/ns/s", Bytes("k8s:enc:aesgcm:v1:key1:\u0001"), Ct);
        using var file = new MemoryStream();

        var saved = await StoreSnapshot.SaveAsync(source, file, TimeProvider.System, Ct);
        await using var target = await OpenAsync("target.db");
        file.Position = 0;
        var contents = await StoreSnapshot.ReadAsync(file, Ct);
        var restored = await StoreSnapshot.RestoreAsync(target, contents, Ct);

        Assert.Equal(new SnapshotSummary(5, 2), saved);
        Assert.Equal(saved, restored);
        Assert.Equal(5, target.CurrentRevision);
        Assert.Equal(5, target.CompactRevision);
        var a2 = await target.GetAsync("/pods/ns/a", Ct);
        Assert.Equal(("a2", 1L, 2L), (Text(a2!), a2!.CreateRevision, a2.ModRevision));
        Assert.Null(await target.GetAsync("/apps/deployments/ns/b", Ct));
        Assert.Equal((await source.GetAsync("/secrets/ns/s", Ct))!.Value.ToArray(), (await target.GetAsync("/secrets/ns/s", Ct))!.Value.ToArray());
        Assert.Equal(6, (await target.UpdateAsync("/pods/ns/a", Bytes("a3"), 2, Ct)).ModRevision);
        await Assert.ThrowsAsync<CompactedException>(async () =>
        {
            await foreach (var _ in target.WatchAsync("/pods/", 2, Ct))
            {
            }
        });
    }

    [Fact]
    public async Task The_restored_database_keeps_its_revisions_after_a_restart()
    {
        await using (var source = await OpenAsync("source.db"))
        await using (var target = await OpenAsync("target.db"))
        {
            await source.CreateAsync("/configmaps/ns/a", Bytes("1"), Ct);
            await source.CreateAsync("/configmaps/ns/b", Bytes("2"), Ct);
            await StoreSnapshot.RestoreAsync(target, await RoundTripAsync(source), Ct);
        }

        await using var reopened = await OpenAsync("target.db");

        Assert.Equal(2, reopened.CurrentRevision);
        Assert.Equal(3, (await reopened.CreateAsync("/configmaps/ns/c", Bytes("3"), Ct)).ModRevision);
    }

    [Fact]
    public async Task Another_store_gets_the_keys_in_their_old_order_under_revisions_of_its_own()
    {
        await using var source = await OpenAsync("source.db");
        var first = await source.CreateAsync("/configmaps/ns/z", Bytes("first"), Ct);
        await source.CreateAsync("/configmaps/ns/a", Bytes("second"), Ct);
        await source.UpdateAsync("/configmaps/ns/z", Bytes("third"), first.ModRevision, Ct);
        await using var memory = new InMemoryStore();

        await StoreSnapshot.RestoreAsync(memory, await RoundTripAsync(source), Ct);

        Assert.Equal(1, (await memory.GetAsync("/configmaps/ns/a", Ct))!.ModRevision);
        Assert.Equal("third", Text((await memory.GetAsync("/configmaps/ns/z", Ct))!));
        Assert.Equal(2, (await memory.GetAsync("/configmaps/ns/z", Ct))!.ModRevision);
    }

    [Fact]
    public async Task A_store_that_is_not_empty_is_refused()
    {
        await using var source = await OpenAsync("source.db");
        await source.CreateAsync("/configmaps/ns/a", Bytes("1"), Ct);
        var contents = await RoundTripAsync(source);
        await using var memory = new InMemoryStore();
        await memory.CreateAsync("/namespaces/default", Bytes("{}"), Ct);

        var sqliteError = await Assert.ThrowsAsync<StoreException>(() => StoreSnapshot.RestoreAsync(source, contents, Ct));
        var memoryError = await Assert.ThrowsAsync<StoreException>(() => StoreSnapshot.RestoreAsync(memory, contents, Ct));

        Assert.Contains("is not empty (revision 1)", sqliteError.Message, StringComparison.Ordinal);
        Assert.Contains("the store is not empty (it holds /namespaces/default", memoryError.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("foreign")]
    [InlineData("extra-key")]
    public async Task A_damaged_or_foreign_file_is_refused_with_what_is_wrong(string damage)
    {
        await using var source = await OpenAsync("source.db");
        await source.CreateAsync("/configmaps/ns/a", Bytes("some value"), Ct);
        await source.CreateAsync("/configmaps/ns/b", Bytes("another value"), Ct);
        using var file = new MemoryStream();
        await StoreSnapshot.SaveAsync(source, file, TimeProvider.System, Ct);
        var lines = Encoding.UTF8.GetString(Gunzip(file.ToArray())).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        switch (damage)
        {
            case "flip":
                lines[1] = lines[1].Replace("\"/configmaps/ns/a\"", "\"/configmaps/ns/x\"", StringComparison.Ordinal);
                break;
            case "truncate":
                lines.RemoveAt(lines.Count - 1);
                break;
            case "foreign":
                lines[0] = """{"format":"something/else","revision":2,"keys":2}""";
                break;
            case "extra-key":
                lines.Insert(2, """{"key":"/configmaps/ns/c","createRevision":1,"modRevision":9,"value":""}""");
                break;
        }

        var damaged = new MemoryStream(Gzip(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => StoreSnapshot.ReadAsync(damaged, Ct));

        var expected = damage switch
        {
            "flip" => "checksum does not match",
            "truncate" => "truncated",
            "foreign" => "not an Axolotl store snapshot",
            _ => "do not fit the snapshot's revision",
        };
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private async Task<SnapshotContents> RoundTripAsync(IStore store)
    {
        using var file = new MemoryStream();
        await StoreSnapshot.SaveAsync(store, file, TimeProvider.System, Ct);
        file.Position = 0;
        return await StoreSnapshot.ReadAsync(file, Ct);
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private Task<SqliteStore> OpenAsync(string name) =>
        SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(_directory.Path, name), CompactionInterval = TimeSpan.Zero }, TimeProvider.System, Ct);

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(StoreEntry entry) => Encoding.UTF8.GetString(entry.Value.Span);
}
