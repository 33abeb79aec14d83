using System.Diagnostics;
using System.Globalization;
using Axolotl.Storage.Compaction;
using Axolotl.Storage.Sqlite;

// The SQLite store's files under steady churn of a constant set of keys: WRITES updates round-robin over KEYS keys
// with VALUE-byte values, and a compaction tick (the production schedule: compact to the previous tick's revision,
// keep the default retained revisions) after every WINDOW writes, standing for the 5-minute interval at the
// soak's rate (about 500 writes a minute). Prints one markdown row per reported window: the files' peak just
// before the tick and their size just after it. No clock is involved: the same arguments give the same files.
//   dotnet run -- WRITES KEYS VALUE WINDOW LABEL
var writes = int.Parse(args[0], CultureInfo.InvariantCulture);
var keys = int.Parse(args[1], CultureInfo.InvariantCulture);
var valueBytes = int.Parse(args[2], CultureInfo.InvariantCulture);
var window = int.Parse(args[3], CultureInfo.InvariantCulture);
var label = args[4];

var directory = Directory.CreateTempSubdirectory("axolotl-store-disk-");
var path = Path.Combine(directory.FullName, "state.db");
try
{
    var options = new SqliteStoreOptions { Path = path, CompactionInterval = TimeSpan.Zero };
    await using var store = await SqliteStore.OpenAsync(options, TimeProvider.System, CancellationToken.None);
    var compactor = new StoreCompactor(store, TimeSpan.FromMinutes(5), options.CompactionRetainRevisions, TimeProvider.System);
    var value = new byte[valueBytes];
    new Random(11).NextBytes(value);
    var revisions = new long[keys];
    for (var k = 0; k < keys; k++)
    {
        revisions[k] = (await store.CreateAsync(Key(k), value, CancellationToken.None)).ModRevision;
    }

    Console.WriteLine($"| {label}: window | writes | peak db + wal (MB) | after tick db + wal (MB) | rows' revisions kept |");
    Console.WriteLine("|---:|---:|---:|---:|---:|");
    var clock = Stopwatch.StartNew();
    long maxPeak = 0, lastAfter = 0;
    for (var done = 0; done < writes;)
    {
        for (var i = 0; i < window && done < writes; i++, done++)
        {
            var k = done % keys;
            value[0]++;
            revisions[k] = (await store.UpdateAsync(Key(k), value, revisions[k], CancellationToken.None)).ModRevision;
        }

        var peak = Bytes(path);
        await compactor.TickAsync(CancellationToken.None);
        lastAfter = Bytes(path);
        maxPeak = Math.Max(maxPeak, peak);
        var number = done / window;
        if (number <= 4 || number % 5 == 0 || done == writes)
        {
            Console.WriteLine($"| {number} | {done:N0} | {Mb(peak)} | {Mb(lastAfter)} | {store.CurrentRevision - store.CompactRevision:N0} |");
        }
    }

    Console.WriteLine();
    Console.WriteLine($"{label}: {writes:N0} writes to {keys} keys of {valueBytes:N0} bytes, a tick every {window:N0} writes: largest db + wal {Mb(maxPeak)} MB, " +
        $"at the end {Mb(lastAfter)} MB; churn took {clock.Elapsed.TotalSeconds:F1} s");
}
finally
{
    SqliteConnectionCleanup();
    directory.Delete(recursive: true);
}

static string Key(int k) => $"/pods/bench/p{k:D4}";

static long Bytes(string path) => Size(path) + Size(path + "-wal");

static long Size(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

static string Mb(long bytes) => (bytes / 1_000_000.0).ToString("F1", CultureInfo.InvariantCulture);

static void SqliteConnectionCleanup() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
