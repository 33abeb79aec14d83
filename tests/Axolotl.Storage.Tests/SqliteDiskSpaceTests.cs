using Axolotl.Storage.Compaction;
using Axolotl.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Axolotl.Storage.Tests;

/// <summary>
/// The SQLite files stay bounded by what the log holds: sizes are counted in pages of the files on disk after a
/// fixed sequence of writes and compaction ticks (driven directly, no clock), so each run measures the same.
/// </summary>
public sealed class SqliteDiskSpaceTests : IDisposable
{
    private const int Keys = 200;
    private const int WritesPerWindow = 2_000;

    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(120));
    private readonly byte[] _value = new byte[2_000];

    public SqliteDiskSpaceTests() => new Random(7).NextBytes(_value);

    private CancellationToken Ct => _deadline.Token;

    public void Dispose()
    {
        _deadline.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Under_steady_churn_of_a_constant_set_of_keys_the_files_level_off_after_the_first_compaction_and_stay_there()
    {
        var path = DbPath("churn.db");
        await using var store = await OpenAsync(path);
        var revisions = await CreateKeysAsync(store);
        // The production schedule and retention, with one tick per window of writes (as the timer would every 5 minutes).
        var compactor = new StoreCompactor(store, TimeSpan.FromMinutes(5), new SqliteStoreOptions { Path = path }.CompactionRetainRevisions, TimeProvider.System);
        var peaks = new List<long>();
        for (var window = 0; window < 10; window++)
        {
            await ChurnAsync(store, revisions, WritesPerWindow);
            peaks.Add(FilePages(path)); // the window's peak: all of its writes, before compaction frees anything
            await compactor.TickAsync(Ct);
        }

        // Window 0's tick compacts what was there at the start, window 1's forgets window 0: from then on every
        // window fills the pages the previous compaction gave back. A window's writes are about 1,000 pages, so
        // growth would show as that much per window; what remains is the B-tree settling (a few dozen pages).
        var shown = string.Join(", ", peaks);
        Assert.All(peaks.Skip(2), peak => Assert.True(peak <= peaks[1] + (peaks[1] / 20), $"the files kept growing after the first compaction: peaks in pages {shown}"));
        Assert.True(peaks[^1] - peaks[^5] <= peaks[^5] / 100, $"the files had not levelled off by the last windows: peaks in pages {shown}");
    }

    [Fact]
    public async Task Compaction_returns_the_pages_it_frees_to_the_file_system()
    {
        var path = DbPath("vacuum.db");
        await using var store = await OpenAsync(path);
        var revisions = await CreateKeysAsync(store);
        await ChurnAsync(store, revisions, 3 * Keys);
        var (pagesBefore, _, pageSize) = await store.PagesAsync(Ct);

        await store.CompactAsync(store.CurrentRevision, Ct);

        var (pagesAfter, freeAfter, _) = await store.PagesAsync(Ct);
        Assert.Equal(0, freeAfter);
        // Four versions of every key became one: well over half of the pages were history.
        Assert.True(pagesAfter < pagesBefore / 2, $"pages {pagesBefore} → {pagesAfter}");
        Assert.Equal(pagesAfter * pageSize, new FileInfo(path).Length);
        Assert.Equal(0, WalBytes(path));
    }

    [Fact]
    public async Task The_write_ahead_log_is_cut_back_to_its_checkpoint_size_without_any_compaction()
    {
        var path = DbPath("wal.db");
        await using var store = await OpenAsync(path, walCheckpointPages: 100);
        var revisions = await CreateKeysAsync(store);
        var pageSize = (await store.PagesAsync(Ct)).PageSize;
        long largest = 0;
        for (var round = 0; round < 20; round++)
        {
            await ChurnAsync(store, revisions, 200);
            largest = Math.Max(largest, WalBytes(path));
        }

        // A checkpoint runs once the WAL passes 100 pages, and the next write that resets the WAL cuts it back to
        // that size; a write of a 2 KB value adds a handful of pages, so it never gets far past it.
        Assert.True(largest <= 120 * pageSize, $"the WAL reached {largest / pageSize} pages");
    }

    [Fact]
    public async Task A_database_made_without_auto_vacuum_is_vacuumed_once_at_open_and_the_log_says_so()
    {
        var path = DbPath("old.db");
        await using (var store = await OpenAsync(path))
        {
            await CreateKeysAsync(store);
        }

        // What a database written by an older build looks like.
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            SqliteCommands.Execute(connection, "PRAGMA auto_vacuum = NONE; VACUUM;");
            Assert.Equal(0L, SqliteCommands.Scalar(connection, "PRAGMA auto_vacuum;"));
        }

        var log = new RecordingLogger();
        await using (var reopened = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path, CompactionInterval = TimeSpan.Zero, Logger = log }, TimeProvider.System, Ct))
        {
            Assert.Equal(Keys, (await reopened.ListAsync("/pods/", 0, null, Ct)).Items.Count);
        }

        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal(2L, SqliteCommands.Scalar(connection, "PRAGMA auto_vacuum;"));
        }

        Assert.Contains(log.Messages, m => m.Contains("one-time VACUUM", StringComparison.Ordinal) && m.Contains("auto_vacuum=NONE", StringComparison.Ordinal));

        // Once switched, opening again does not vacuum again.
        var second = new RecordingLogger();
        await using (await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path, CompactionInterval = TimeSpan.Zero, Logger = second }, TimeProvider.System, Ct))
        {
        }

        Assert.Empty(second.Messages);
    }

    private async Task<Dictionary<string, long>> CreateKeysAsync(SqliteStore store)
    {
        var revisions = new Dictionary<string, long>();
        for (var i = 0; i < Keys; i++)
        {
            var key = $"/pods/ns/p{i:D4}";
            revisions[key] = (await store.CreateAsync(key, _value, Ct)).ModRevision;
        }

        return revisions;
    }

    /// <summary>Updates the keys round-robin, each write replacing the key's whole value (as an object update does).</summary>
    private async Task ChurnAsync(SqliteStore store, Dictionary<string, long> revisions, int writes)
    {
        var keys = revisions.Keys.Order(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < writes; i++)
        {
            var key = keys[i % keys.Length];
            _value[0]++;
            revisions[key] = (await store.UpdateAsync(key, _value, revisions[key], Ct)).ModRevision;
        }
    }

    private static long FilePages(string path) => (new FileInfo(path).Length + WalBytes(path)) / 4096;

    private static long WalBytes(string path) => File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0;

    private string DbPath(string name) => Path.Combine(_directory.Path, name);

    private Task<SqliteStore> OpenAsync(string path, int walCheckpointPages = 1000) =>
        SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path, CompactionInterval = TimeSpan.Zero, WalCheckpointPages = walCheckpointPages }, TimeProvider.System, Ct);

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Messages.Add(formatter(state, exception));
            }
        }
    }
}
