using Axolotl.Storage.Sqlite;

namespace Axolotl.Storage.Tests;

public sealed class SqliteStoreConformanceTests : StoreConformanceTests
{
    /// <summary>SQLite's watches get progress notifications, so the watch cache never needs to ask.</summary>
    protected override bool AnswersUnchanged => false;

    private readonly TempDirectory _directory = new();
    private int _count;

    protected override async Task<IStore> CreateStoreCoreAsync(int watchChannelCapacity)
    {
        var options = new SqliteStoreOptions
        {
            Path = Path.Combine(_directory.Path, $"store{Interlocked.Increment(ref _count)}.db"),
            CompactionInterval = TimeSpan.Zero,
            WatchChannelCapacity = watchChannelCapacity,
            // Small pages so replays cross page boundaries in these tests.
            WatchReplayPageSize = 7,
            CompactionBatchSize = 3,
        };
        return await SqliteStore.OpenAsync(options, TimeProvider.System, Ct);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
