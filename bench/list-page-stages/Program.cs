using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Printing;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Rest;
using Axolotl.Storage.Sqlite;

// Where the server's time goes in each page of `kubectl get pods -A` (a Table, limit=500, continue tokens), the
// stages ReadHandler.ListAsync runs, timed in-process on a copy of a server's store: the store's page (rows and
// remainingItemCount), decoding each pod, the served view, the Table, and writing it as JSON. Prints the median
// milliseconds per page of each stage over ROUNDS walks of every page, after two walks of warm-up.
//   dotnet run -c Release -- STATE_DB [ROUNDS] [LIMIT]
// STATE_DB: a copy of a server's store (`sqlite3 DIR/state.db '.backup /tmp/pods.db'`); it is opened read-write
// by the store, so never pass a running server's own file.
var path = args[0];
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var limit = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;

await using var store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path, CompactionInterval = TimeSpan.Zero }, TimeProvider.System, CancellationToken.None);
var type = KnownResources.Pods;
var prefix = ObjectStore.Prefix(type, null);
string[] stages = ["store", "decode", "view", "table", "json"];
var perRound = new List<double[]>();
var pages = 0;
long bytes = 0;
for (var round = -2; round < rounds; round++)
{
    var totals = new double[stages.Length];
    (pages, bytes) = (0, 0);
    string? token = null;
    do
    {
        var clock = Stopwatch.StartNew();
        var page = await store.ListAsync(prefix, limit, token, CancellationToken.None);
        totals[0] += Lap(clock);
        var objects = page.Items.Select(e => ObjectStore.Decode(e).Object).ToList();
        totals[1] += Lap(clock);
        var views = objects.Select(o => KindViews.ToView(type, o)).ToList();
        totals[2] += Lap(clock);
        var table = TableBuilder.Build(type, views, new TableOptions
        {
            ResourceVersion = page.Revision.ToString(CultureInfo.InvariantCulture),
            Continue = page.Continue,
            RemainingItemCount = page.Continue is null ? null : page.RemainingCount,
            IncludeObject = IncludeObjectPolicy.Metadata,
            IncludeColumnDefinitions = true,
            Now = DateTimeOffset.UtcNow,
        });
        totals[3] += Lap(clock);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            table.WriteTo(writer);
        }
        totals[4] += Lap(clock);
        bytes += buffer.WrittenCount;
        token = page.Continue;
        pages++;
    }
    while (token is not null);
    if (round >= 0)
    {
        perRound.Add([.. totals.Select(t => t / pages)]);
    }
}

Console.WriteLine($"{pages} pages of {limit}, {bytes / 1e6:F1} MB of Table JSON per walk, median of {rounds} walks (ms per page):");
Console.WriteLine("| " + string.Join(" | ", stages) + " | all |");
Console.WriteLine("|" + string.Concat(Enumerable.Repeat("---:|", stages.Length + 1)));
var medians = Enumerable.Range(0, stages.Length).Select(i => Median(perRound.Select(r => r[i]))).ToList();
Console.WriteLine("| " + string.Join(" | ", medians.Select(m => m.ToString("F2", CultureInfo.InvariantCulture)))
    + $" | {Median(perRound.Select(r => r.Sum())).ToString("F2", CultureInfo.InvariantCulture)} |");

static double Lap(Stopwatch clock)
{
    var ms = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    return ms;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
