using Axolotl.Storage.Sqlite;

namespace Axolotl.Storage.Tests;

/// <summary>SQLite's soft heap limit and usage are the process's: these tests run apart from every other store.</summary>
[CollectionDefinition(nameof(SqliteHeapLimitTests), DisableParallelization = true)]
public sealed class SqliteHeapLimitCollection;

/// <summary>The store bounds SQLite's page caches (docs/flows/node-memory.md: 8 MB more at 100 pods than at 10).</summary>
[Collection(nameof(SqliteHeapLimitTests))]
public sealed class SqliteHeapLimitTests : IDisposable
{
    private const int Values = 400;
    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _deadline.Token;

    public void Dispose()
    {
        _deadline.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Without_a_limit_the_page_caches_grow_with_the_database()
    {
        var used = await WriteAndReadAsync("unlimited.db", 0);

        // The writer's cache alone fills its 2 MiB default with 6.5 MB of values (2.7 MB measured with the reader's).
        Assert.True(used > 2L * 1024 * 1024, $"SQLite used {used} bytes");
    }

    [Fact]
    public async Task With_a_limit_the_page_caches_recycle_their_pages()
    {
        const long limit = 1024 * 1024;
        var used = await WriteAndReadAsync("limited.db", limit);

        Assert.True(used < limit + 512 * 1024, $"SQLite used {used} bytes over a limit of {limit}");
    }

    [Fact]
    public async Task A_negative_limit_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SqliteStore.OpenAsync(
            new SqliteStoreOptions { Path = Path.Combine(_directory.Path, "negative.db"), SoftHeapLimitBytes = -1 }, TimeProvider.System, Ct));
    }

    /// <summary>Writes 400 values of 16 KiB, reads each back, and returns SQLite's heap in use with the store still open.</summary>
    private async Task<long> WriteAndReadAsync(string name, long limit)
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_directory.Path, name), CompactionInterval = TimeSpan.Zero, SoftHeapLimitBytes = limit };
        await using var store = await SqliteStore.OpenAsync(options, TimeProvider.System, Ct);
        var value = new byte[16 * 1024];
        for (var i = 0; i < Values; i++)
        {
            Random.Shared.NextBytes(value);
            await store.CreateAsync($"/configmaps/ns/v{i:D4}", value, Ct);
        }

        for (var i = 0; i < Values; i++)
        {
            Assert.NotNull(await store.GetAsync($"/configmaps/ns/v{i:D4}", Ct));
        }

        return SQLitePCL.raw.sqlite3_memory_used();
    }
}
