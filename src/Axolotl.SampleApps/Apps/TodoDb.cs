using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Axolotl.SampleApps.Common;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Stand-in for the postgres image in the todo app (seed 001): a tiny todo store on :5432 speaking
/// <see cref="TodoDbProtocol"/>, NOT the postgres wire protocol. Like postgres it keeps its data in
/// PGDATA (one line per item, appended on ADD), so a pod that mounts a PersistentVolumeClaim there
/// finds its items again after the pod is replaced; without PGDATA it keeps them in memory. It logs postgres'
/// readiness line, so probes and log watchers see the same thing, and accepts
/// POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE. Command-line options it does not know make it exit 1
/// at once, as postgres does, so a Deployment updated with a bad command crash-loops.
/// </summary>
public static class TodoDb
{
    public static async Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", TodoDbProtocol.DefaultPort);
        if (args.Unused.FirstOrDefault() is { } flag)
        {
            return Fail($"postgres: unrecognized option '--{flag}'");
        }

        // postgres-style short options: -p PORT, -c name=value (accepted, not used), -h/-k/-D ARG (accepted).
        var positional = args.Positional;
        for (var i = 0; i < positional.Count; i++)
        {
            var a = positional[i];
            if (a is "-p" or "-c" or "-h" or "-k" or "-D" or "-N" or "-B")
            {
                if (i + 1 >= positional.Count)
                {
                    return Fail($"postgres: option requires an argument -- '{a[1..]}'");
                }

                if (a == "-p" && !int.TryParse(positional[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out port))
                {
                    return Fail($"postgres: invalid port \"{positional[i + 1]}\"");
                }

                i++;
            }
            else if (a == "postgres")
            {
                // docker-entrypoint.sh postgres: the image's own CMD.
            }
            else if (a.StartsWith('-'))
            {
                return Fail($"postgres: invalid option -- '{a.TrimStart('-')}'");
            }
            else
            {
                return Fail($"postgres: invalid argument: \"{a}\"");
            }
        }

        var passwordFile = Environment.GetEnvironmentVariable("POSTGRES_PASSWORD_FILE");
        if (!string.IsNullOrEmpty(passwordFile) && !File.Exists(passwordFile))
        {
            return Fail($"error: POSTGRES_PASSWORD_FILE {passwordFile}: No such file or directory");
        }

        var hasPassword = !string.IsNullOrEmpty(passwordFile) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POSTGRES_PASSWORD"));
        Log.Line(hasPassword ? "todo-db: superuser password set" : "todo-db: WARNING: no password set (POSTGRES_PASSWORD), accepting all connections");

        var listener = new TcpListener(IPAddress.Any, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            return Fail($"LOG:  could not bind IPv4 address \"0.0.0.0\": {e.Message}\nFATAL:  could not create any TCP/IP sockets");
        }

        using var stopping = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stopping.Cancel();
        });
        Log.Line($"LOG:  listening on IPv4 address \"0.0.0.0\", port {port}");
        Log.Line("LOG:  database system is ready to accept connections");
        Store store;
        try
        {
            store = Store.Open(Environment.GetEnvironmentVariable("PGDATA"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"FATAL:  could not open the data directory: {e.Message}");
        }
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stopping.Token);
                _ = ServeAsync(client, store, stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Log.Line("LOG:  received smart shutdown request");
            Log.Line("LOG:  database system is shut down");
            listener.Stop();
            return 0;
        }
    }

    private static int Fail(string message)
    {
        Log.Error(message);
        Log.Error("Try \"postgres --help\" for more information.");
        return 1;
    }

    private static async Task ServeAsync(TcpClient client, Store store, CancellationToken stopping)
    {
        using (client)
        {
            try
            {
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.UTF8);
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
                while (await reader.ReadLineAsync(stopping) is { } line)
                {
                    foreach (var reply in store.Execute(line))
                    {
                        await writer.WriteLineAsync(reply.AsMemory(), stopping);
                    }

                    await writer.FlushAsync(stopping);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // A client that hangs up (tcpSocket probes do) is normal.
            }
        }
    }

    private sealed class Store
    {
        private const string DataFile = "todo-items";

        private readonly Lock _gate = new();
        private readonly List<string> _items = [];
        private string? _file;

        /// <summary>The store kept in <paramref name="dataDirectory"/> (made if missing), with the items already there; null: in memory only.</summary>
        public static Store Open(string? dataDirectory)
        {
            var store = new Store();
            if (string.IsNullOrEmpty(dataDirectory))
            {
                return store;
            }
            Directory.CreateDirectory(dataDirectory);
            store._file = Path.Combine(dataDirectory, DataFile);
            if (File.Exists(store._file))
            {
                store._items.AddRange(File.ReadAllLines(store._file).Where(l => l.Length > 0));
                Log.Line($"LOG:  database system was shut down; {store._items.Count} item(s) found in {dataDirectory}");
            }
            return store;
        }

        public IEnumerable<string> Execute(string line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var verb = (space < 0 ? line : line[..space]).Trim().ToUpperInvariant();
            var rest = space < 0 ? "" : line[(space + 1)..];
            lock (_gate)
            {
                switch (verb)
                {
                    case "PING":
                        return ["PONG"];
                    case "ADD" when rest.Trim().Length > 0:
                        var item = rest.Replace('\t', ' ').Trim();
                        if (_file is not null)
                        {
                            File.AppendAllText(_file, item + "\n");
                        }
                        _items.Add(item);
                        return [$"OK {_items.Count}"];
                    case "ADD":
                        return ["ERR empty item"];
                    case "LIST":
                        return _items.Select((item, i) => $"{i + 1}\t{item}").Prepend($"ITEMS {_items.Count}").ToList();
                    default:
                        return [$"ERR unknown command \"{verb}\""];
                }
            }
        }
    }
}
