using Axolotl.Storage;
using Axolotl.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>The server's datastore: SQLite in the data directory, or etcd when --datastore-endpoint names members.</summary>
public static partial class ServerCommand
{
    private static async Task<IStore> OpenStoreAsync(CommandLine args, string dataDir, TimeProvider clock, ILoggerFactory logging, CancellationToken ct)
    {
        var log = logging.CreateLogger("Axolotl.Storage");
        // A compaction that fails is retried at the next tick; the log is where an operator sees it keep failing.
        void OnBackgroundError(Exception e) => LogBackgroundError(log, e);
        if (DatastoreFlags.EtcdOptions(args, log, OnBackgroundError) is { } options)
        {
            return await DatastoreFlags.OpenAsync(options, clock, ct);
        }

        var database = Path.Combine(dataDir, "state.db");
        var sqlite = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = database, Logger = log, OnBackgroundError = OnBackgroundError, CompactionInterval = DatastoreFlags.CompactionInterval(args) }, clock, ct);
        // SQLite makes these with the umask's modes; the WAL holds recent writes in clear, like the database.
        DataDirectory.MakeOwnerOnly(database, database + "-wal", database + "-shm");
        return sqlite;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "store: background maintenance failed; the next tick tries again")]
    private static partial void LogBackgroundError(ILogger logger, Exception exception);
}
