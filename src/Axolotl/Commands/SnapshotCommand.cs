using Axolotl.Storage;
using Axolotl.Storage.Etcd;
using Axolotl.Storage.Snapshots;
using Axolotl.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl snapshot save|restore`: the cluster's store to a file and back, as `k3s etcd-snapshot` and
/// `etcdctl snapshot` do. Save works while the server runs (SQLite: a consistent copy through
/// VACUUM INTO; etcd: a list at one revision); restore needs an empty store, so it never overwrites a
/// cluster by mistake.
/// </summary>
public static class SnapshotCommand
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>(DatastoreFlags.Names) { "data-dir" };

    public const string Usage = """
        Usage: axolotl snapshot save FILE [--data-dir DIR | --datastore-endpoint URL[,URL...]]
               axolotl snapshot restore FILE [--data-dir DIR | --datastore-endpoint URL[,URL...]]

        save     writes every object of the cluster's store, at one revision, to FILE (mode 0600: it holds
                 Secrets as stored). It works while the server runs.
        restore  loads FILE into an empty store: a data dir whose state.db does not exist yet (stop the server
                 and move DIR/state.db aside first), or an etcd cluster no server has used. SQLite keeps every
                 object's resourceVersion; etcd gives its own, so restart servers and agents after it.

        The snapshot holds the store only. Secrets encrypted at rest need the data dir's encryption keys, and
        the cluster's certificates and tokens live in the data dir: keep a copy of DIR (without state.db*)
        with your snapshots, and restore into it.

          --data-dir DIR                  the server's data dir (default: $XDG_DATA_HOME/axolotl or ~/.local/share/axolotl)
          --datastore-endpoint URL,...    the etcd members, as given to `axolotl server`
        """ + DatastoreFlags.Usage;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count < 1 || args[0] is not ("save" or "restore"))
        {
            throw new ArgumentException("usage: axolotl snapshot save|restore FILE [--data-dir DIR | --datastore-endpoint URL,...]");
        }

        var line = CommandLine.Parse(args.Skip(1).ToList(), Flags, positional: true);
        if (line.Positional.Count != 1)
        {
            throw new ArgumentException($"axolotl snapshot {args[0]} takes one FILE");
        }

        var file = Path.GetFullPath(line.Positional[0]);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            return args[0] == "save" ? await SaveAsync(line, file, cancel.Token) : await RestoreAsync(line, file, cancel.Token);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"{file}: {e.Message}");
        }
        catch (StoreException e)
        {
            throw new ArgumentException(e.Message);
        }
    }

    private static async Task<int> SaveAsync(CommandLine args, string file, CancellationToken ct)
    {
        var partial = file + ".partial";
        SnapshotSummary summary;
        await using (var output = new FileStream(partial, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try
            {
                summary = DatastoreFlags.EtcdOptions(args) is { } etcd
                    ? await SaveEtcdAsync(etcd, output, ct)
                    : await SaveSqliteAsync(DataDir(args), output, ct);
                await output.FlushAsync(ct);
                output.Flush(flushToDisk: true);
            }
            catch
            {
                output.Close();
                File.Delete(partial);
                throw;
            }
        }

        File.Move(partial, file, overwrite: true);
        Console.WriteLine($"Saved {summary.Keys} keys at revision {summary.Revision} to {file}");
        return 0;
    }

    private static async Task<SnapshotSummary> SaveEtcdAsync(EtcdStoreOptions etcd, Stream output, CancellationToken ct)
    {
        await using var store = await OpenEtcdAsync(etcd, ct);
        return await StoreSnapshot.SaveAsync(store, output, TimeProvider.System, ct);
    }

    /// <summary>
    /// The running server holds its database, so the snapshot is read from a copy that SQLite makes
    /// within one read transaction (VACUUM INTO), next to the database, removed afterwards.
    /// </summary>
    private static async Task<SnapshotSummary> SaveSqliteAsync(string dataDir, Stream output, CancellationToken ct)
    {
        var database = Path.Combine(dataDir, "state.db");
        if (!File.Exists(database))
        {
            throw new ArgumentException($"no store at {database}: give the server's --data-dir (or --datastore-endpoint for etcd)");
        }

        var copy = Path.Combine(dataDir, $"snapshot-{Environment.ProcessId}.db");
        try
        {
            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            {
                connection.Open();
                using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $path";
                vacuum.Parameters.AddWithValue("$path", copy);
                vacuum.ExecuteNonQuery();
            }

            DataDirectory.MakeOwnerOnly(copy);
            await using var store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = copy, CompactionInterval = TimeSpan.Zero }, TimeProvider.System, ct);
            return await StoreSnapshot.SaveAsync(store, output, TimeProvider.System, ct);
        }
        catch (SqliteException e)
        {
            throw new ArgumentException($"cannot read {database}: {e.Message}");
        }
        finally
        {
            foreach (var leftover in new[] { copy, copy + "-wal", copy + "-shm", copy + ".lock" })
            {
                File.Delete(leftover);
            }
        }
    }

    private static async Task<int> RestoreAsync(CommandLine args, string file, CancellationToken ct)
    {
        SnapshotContents contents;
        await using (var input = File.OpenRead(file))
        {
            contents = await StoreSnapshot.ReadAsync(input, ct);
        }

        SnapshotSummary summary;
        if (DatastoreFlags.EtcdOptions(args) is { } etcd)
        {
            await using var store = await OpenEtcdAsync(etcd, ct);
            summary = await StoreSnapshot.RestoreAsync(store, contents, ct);
            Console.WriteLine($"Restored {summary.Keys} keys into etcd (now at revision {summary.Revision}; the snapshot was at {contents.Header.Revision}). " +
                "Start the servers, then restart every agent so that it lists again.");
            return 0;
        }

        var dataDir = DataDir(args);
        var database = Path.Combine(dataDir, "state.db");
        if (File.Exists(database))
        {
            throw new ArgumentException($"{database} exists: stop the server, move it aside (with its -wal and -shm files), then restore");
        }

        DataDirectory.EnsurePrivate(dataDir);
        try
        {
            await using var store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = database, CompactionInterval = TimeSpan.Zero }, TimeProvider.System, ct);
            summary = await StoreSnapshot.RestoreAsync(store, contents, ct);
        }
        catch
        {
            // Nothing was committed: leave no empty database behind to block the next try.
            foreach (var leftover in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(leftover);
            }

            throw;
        }

        DataDirectory.MakeOwnerOnly(database, database + "-wal", database + "-shm");
        Console.WriteLine($"Restored {summary.Keys} keys at revision {summary.Revision} into {database}");
        return 0;
    }

    private static string DataDir(CommandLine args) => Path.GetFullPath(args.Get("data-dir") ?? DataDirectory.Default());

    private static async Task<EtcdStore> OpenEtcdAsync(EtcdStoreOptions options, CancellationToken ct)
    {
        // A snapshot tool never compacts: that is the servers' job.
        var once = new EtcdStoreOptions { Endpoints = options.Endpoints, Tls = options.Tls, CompactionInterval = TimeSpan.Zero };
        return await DatastoreFlags.OpenAsync(once, TimeProvider.System, ct);
    }
}
