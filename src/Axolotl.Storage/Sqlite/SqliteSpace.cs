using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Axolotl.Storage.Sqlite;

/// <summary>
/// Keeps the files bounded by what the log holds. Compaction deletes rows, but SQLite only reuses the freed
/// pages: without auto-vacuum the file never shrinks, and the "-wal" file keeps the largest size it ever
/// reached. So the database runs with <c>auto_vacuum = INCREMENTAL</c> (free pages are returned to the file
/// system by <c>PRAGMA incremental_vacuum</c> after each compaction), the WAL is checkpointed every
/// <see cref="SqliteStoreOptions.WalCheckpointPages"/> pages and cut back to that size, and each compaction
/// ends with a <c>wal_checkpoint(TRUNCATE)</c>.
/// </summary>
internal static partial class SqliteSpace
{
    private const long AutoVacuumIncremental = 2;

    /// <summary>
    /// Before the schema exists this only sets the mode; a database made by an older build (auto_vacuum NONE)
    /// can switch only by rewriting the whole file, so it gets one VACUUM here, said in the log because it
    /// takes time and up to twice the file's size on disk.
    /// </summary>
    public static void EnsureIncrementalVacuum(SqliteConnection writer, string path, ILogger log)
    {
        var mode = SqliteCommands.Long(writer, "PRAGMA auto_vacuum;");
        if (mode == AutoVacuumIncremental)
        {
            return;
        }

        SqliteCommands.Execute(writer, "PRAGMA auto_vacuum = INCREMENTAL;");
        if (SqliteCommands.Long(writer, "SELECT count(*) FROM sqlite_master;") == 0)
        {
            return; // takes effect when the first table is created
        }

        var before = FileBytes(path);
        LogVacuuming(log, path, ModeName(mode), before);
        SqliteCommands.Execute(writer, "VACUUM;");
        SqliteCommands.Execute(writer, "PRAGMA wal_checkpoint(TRUNCATE);");
        if (SqliteCommands.Long(writer, "PRAGMA auto_vacuum;") != AutoVacuumIncremental)
        {
            throw new StoreException($"SQLite did not switch {path} to auto_vacuum=INCREMENTAL");
        }

        var after = FileBytes(path);
        LogVacuumed(log, path, before, after);
    }

    /// <summary>Checkpoint every <paramref name="pages"/> pages and truncate the WAL back to that size after one.</summary>
    public static void LimitWal(SqliteConnection writer, int pages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        var pageSize = SqliteCommands.Long(writer, "PRAGMA page_size;");
        SqliteCommands.Execute(writer, string.Create(CultureInfo.InvariantCulture, $"PRAGMA wal_autocheckpoint = {pages};"));
        SqliteCommands.Execute(writer, string.Create(CultureInfo.InvariantCulture, $"PRAGMA journal_size_limit = {pages * pageSize};"));
    }

    /// <summary>
    /// Returns the free pages at the end of the file to the file system, then checkpoints and truncates the WAL.
    /// The checkpoint does not wait for readers: one that a reader blocks is reported, and the WAL is cut at a later one.
    /// </summary>
    public static SqliteReclaimed Reclaim(SqliteConnection writer, ILogger log)
    {
        var free = SqliteCommands.Long(writer, "PRAGMA freelist_count;");
        SqliteCommands.Execute(writer, "PRAGMA incremental_vacuum;");
        using var command = writer.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        var checkpointed = reader.Read() && reader.GetInt64(0) == 0;
        var reclaimed = new SqliteReclaimed(free, SqliteCommands.Long(writer, "PRAGMA freelist_count;"), checkpointed);
        LogReclaimed(log, reclaimed.FreePagesBefore - reclaimed.FreePagesAfter, checkpointed);
        return reclaimed;
    }

    /// <summary>The database's pages as SQLite counts them (committed state, WAL included).</summary>
    public static (long Pages, long FreePages, long PageSize) Pages(SqliteConnection connection) =>
        (SqliteCommands.Long(connection, "PRAGMA page_count;"), SqliteCommands.Long(connection, "PRAGMA freelist_count;"), SqliteCommands.Long(connection, "PRAGMA page_size;"));

    private static string ModeName(long mode) => mode switch
    {
        0 => "NONE",
        1 => "FULL",
        _ => mode.ToString(CultureInfo.InvariantCulture),
    };

    private static long FileBytes(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "store: switching {Path} from auto_vacuum={Mode} to INCREMENTAL so compaction can return space: one-time VACUUM of {Bytes} bytes (needs up to that much free disk)")]
    private static partial void LogVacuuming(ILogger log, string path, string mode, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "store: {Path} vacuumed once, {Before} → {After} bytes; from now on compaction returns free pages")]
    private static partial void LogVacuumed(ILogger log, string path, long before, long after);

    [LoggerMessage(Level = LogLevel.Debug, Message = "store: compaction returned {Pages} free pages; WAL truncated: {Truncated} (a reader held it otherwise)")]
    private static partial void LogReclaimed(ILogger log, long pages, bool truncated);
}
