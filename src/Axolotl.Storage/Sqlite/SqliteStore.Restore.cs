using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Axolotl.Storage.Sqlite;

/// <summary>Loading a snapshot into an empty database, keeping every key's revisions.</summary>
public sealed partial class SqliteStore
{
    /// <summary>
    /// Writes <paramref name="entries"/> with their own create and mod revisions, in one transaction, and
    /// moves the store to <paramref name="revision"/>: resourceVersions read before the snapshot still name
    /// the same objects, the next write gets <paramref name="revision"/> + 1, and history before it is
    /// compacted, so a watch from an older resourceVersion gets 410 Gone and its client lists again.
    /// Only an empty store (revision 0) can be restored into.
    /// </summary>
    public async Task RestoreAsync(IReadOnlyList<StoreEntry> entries, long revision, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(revision);
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_currentRevision != 0)
            {
                throw new StoreException($"the database {_options.Path} is not empty (revision {_currentRevision}): restore into a new one");
            }

            using (var transaction = _writer.BeginTransaction(deferred: false))
            {
                _insert.Transaction = transaction;
                foreach (var entry in entries.OrderBy(e => e.ModRevision))
                {
                    var p = _insert.Parameters;
                    p["$id"].Value = entry.ModRevision;
                    p["$name"].Value = entry.Key;
                    p["$created"].Value = entry.ModRevision == entry.CreateRevision ? 1 : 0;
                    p["$deleted"].Value = 0;
                    p["$create_revision"].Value = entry.CreateRevision;
                    // The rows before this one are not in the snapshot; the key's next write names this one.
                    p["$prev_revision"].Value = 0;
                    p["$value"].Value = entry.Value.ToArray();
                    _insert.ExecuteNonQuery();
                }

                Execute(transaction, "UPDATE sqlite_sequence SET seq = $rev WHERE name = 'kv'", revision);
                Execute(transaction, "INSERT INTO sqlite_sequence (name, seq) SELECT 'kv', $rev WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'kv')", revision);
                Execute(transaction, "UPDATE meta SET value = $rev WHERE key = 'compact_revision'", revision);
                transaction.Commit();
            }

            Interlocked.Exchange(ref _currentRevision, revision);
            Interlocked.Exchange(ref _compactRevision, revision);
        }
        catch (SqliteException e)
        {
            throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"restoring into {_options.Path} failed: {e.Message}"));
        }
        finally
        {
            _insert.Transaction = null;
            _writeLock.Release();
        }
    }

    private void Execute(SqliteTransaction transaction, string sql, long revision)
    {
        using var command = _writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$rev", revision);
        command.ExecuteNonQuery();
    }
}
