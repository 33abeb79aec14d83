using System.Text;
using Axolotl.Storage.Compaction;
using Axolotl.Storage.Memory;
using Axolotl.Storage.Sqlite;
using Axolotl.Testing;

namespace Axolotl.Storage.Tests;

public sealed class StoreCompactorTests : IDisposable
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(30));
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _deadline.Dispose();

    [Fact]
    public async Task Each_interval_the_compactor_forgets_history_older_than_the_previous_tick()
    {
        await using var store = new InMemoryStore();
        await using var compactor = new StoreCompactor(store, TimeSpan.FromMinutes(5), retainRevisions: 2, _time);
        compactor.Start();
        await WriteAsync(store, 5);

        await TickAsync(compactor, 1);
        Assert.Equal(0, store.CompactRevision);

        await WriteAsync(store, 5);
        await TickAsync(compactor, 2);
        Assert.Equal(5, store.CompactRevision);

        await TickAsync(compactor, 3);
        Assert.Equal(8, store.CompactRevision);
    }

    [Fact]
    public async Task A_failed_compaction_is_reported_and_the_loop_keeps_going()
    {
        var errors = new List<Exception>();
        await using var inner = new InMemoryStore();
        var store = new CompactFailsOnceStore(inner);
        await using var compactor = new StoreCompactor(store, TimeSpan.FromMinutes(5), retainRevisions: 0, _time, errors.Add);
        compactor.Start();
        await WriteAsync(inner, 2);
        await TickAsync(compactor, 1);
        await WriteAsync(inner, 2);

        await TickAsync(compactor, 2);
        Assert.IsType<IOException>(Assert.Single(errors));
        Assert.Equal(0, inner.CompactRevision);

        await WriteAsync(inner, 2);
        await TickAsync(compactor, 3);
        Assert.Equal(4, inner.CompactRevision);
    }

    [Fact]
    public async Task The_sqlite_store_runs_its_own_compactor_on_the_injected_clock()
    {
        using var directory = new TempDirectory();
        var options = new SqliteStoreOptions
        {
            Path = Path.Combine(directory.Path, "bg.db"),
            CompactionInterval = TimeSpan.FromMinutes(5),
            CompactionRetainRevisions = 1,
        };
        await using var store = await SqliteStore.OpenAsync(options, _time, _deadline.Token);
        Assert.NotNull(store.Compactor);
        await WriteAsync(store, 3);
        await TickAsync(store.Compactor, 1);
        await WriteAsync(store, 3);

        await TickAsync(store.Compactor, 2);

        Assert.Equal(3, store.CompactRevision);
    }

    private async Task TickAsync(StoreCompactor compactor, long expectedTicks)
    {
        _time.Advance(TimeSpan.FromMinutes(5));
        await Eventually.TrueAsync(() => compactor.CompletedTicks >= expectedTicks, $"compaction tick {expectedTicks}", () => $"completed ticks: {compactor.CompletedTicks}");
    }

    private async Task WriteAsync(IStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await store.CreateAsync($"/events/ns/e{store.CurrentRevision + 1}", Encoding.UTF8.GetBytes("x"), _deadline.Token);
        }
    }

    private sealed class CompactFailsOnceStore(IStore inner) : IStore
    {
        private int _failures;

        public long CurrentRevision => inner.CurrentRevision;

        public long CompactRevision => inner.CompactRevision;

        public Task CompactAsync(long revision, CancellationToken ct) =>
            Interlocked.Increment(ref _failures) == 1 ? throw new IOException("disk hiccup") : inner.CompactAsync(revision, ct);

        public Task<StoreEntry> CreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct) => inner.CreateAsync(key, value, ct);

        public Task<StoreEntry> DeleteAsync(string key, long expectedRevision, CancellationToken ct) => inner.DeleteAsync(key, expectedRevision, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public Task<StoreEntry?> GetAsync(string key, CancellationToken ct) => inner.GetAsync(key, ct);

        public Task<StoreListResult> ListAsync(string prefix, int limit, string? continueToken, CancellationToken ct) => inner.ListAsync(prefix, limit, continueToken, ct);

        public Task<StoreListResult> ListAtRevisionAsync(string prefix, long revision, int limit, CancellationToken ct) => inner.ListAtRevisionAsync(prefix, revision, limit, ct);

        public Task<StoreEntry> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedRevision, CancellationToken ct) => inner.UpdateAsync(key, value, expectedRevision, ct);

        public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, CancellationToken ct) => inner.WatchAsync(prefix, afterRevision, ct);
    }
}
