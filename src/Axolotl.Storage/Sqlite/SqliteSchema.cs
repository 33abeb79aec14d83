using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Axolotl.Storage.Sqlite;

/// <summary>
/// The kine-like layout: one append-only log table <c>kv</c> whose AUTOINCREMENT row id is the
/// revision, plus a small <c>meta</c> table for the compact revision and schema version. The
/// (name, id, deleted) index answers "newest row of a key at revision R" and list counts without
/// touching the table; the unique (name, prev_revision) index is the optimistic-concurrency check.
/// AUTOINCREMENT (not a plain rowid) matters: compaction may delete the newest row (a deletion), and
/// revisions must still never be reused after a restart.
/// </summary>
internal static class SqliteSchema
{
    public const long Version = 1;

    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS kv (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            created INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            create_revision INTEGER NOT NULL,
            prev_revision INTEGER NOT NULL,
            value BLOB NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision ON kv (name, prev_revision);
        CREATE INDEX IF NOT EXISTS kv_name_id_deleted ON kv (name, id, deleted);
        CREATE TABLE IF NOT EXISTS meta (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', 1), ('compact_revision', 0);
        """;

    /// <summary>Revisions as of the caller's read snapshot (or the latest commit outside a transaction).</summary>
    public const string SelectRevisions = """
        SELECT
            max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'kv'), 0), COALESCE((SELECT max(id) FROM kv), 0)),
            (SELECT value FROM meta WHERE key = 'compact_revision')
        """;

    /// <summary>Prepares the write connection: incremental auto-vacuum, WAL journal and its limits, durability level, tables.</summary>
    public static void Apply(SqliteConnection writer, SqliteStoreOptions options)
    {
        // First: the mode can be set without rewriting the file only while no table exists.
        SqliteSpace.EnsureIncrementalVacuum(writer, options.Path, options.Logger);
        var journalMode = SqliteCommands.Scalar(writer, "PRAGMA journal_mode = WAL;");
        if (!string.Equals(journalMode as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreException($"SQLite refused WAL journal mode (got {journalMode})");
        }

        SqliteSpace.LimitWal(writer, options.WalCheckpointPages);
        SqliteCommands.Execute(writer, options.Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
        SqliteCommands.Execute(writer, string.Create(CultureInfo.InvariantCulture, $"PRAGMA soft_heap_limit = {options.SoftHeapLimitBytes};"));

        using var transaction = writer.BeginTransaction(deferred: false);
        using (var command = writer.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = CreateTables;
            command.ExecuteNonQuery();
            command.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
            var version = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version > Version)
            {
                throw new StoreException($"database schema version {version} is newer than this build understands ({Version})");
            }
        }

        transaction.Commit();
    }

    public static (long Current, long Compact) ReadRevisions(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SelectRevisions;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
