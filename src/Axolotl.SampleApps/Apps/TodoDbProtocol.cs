using System.Net.Sockets;
using System.Text;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// The line protocol of the todo-db stand-in (it is not the postgres wire protocol): one UTF-8
/// command per line, one reply. <c>PING</c> → <c>PONG</c>; <c>ADD text</c> → <c>OK id</c>;
/// <c>LIST</c> → <c>ITEMS n</c> then n lines <c>id TAB text</c>; anything else → <c>ERR message</c>.
/// </summary>
public static class TodoDbProtocol
{
    public const int DefaultPort = 5432;

    /// <summary>A client connection used by todo-web and pg-isready: connect, one command, close.</summary>
    public static async Task<IReadOnlyList<string>> SendAsync(string host, int port, string command, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cts.Token);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        await writer.WriteLineAsync(command.AsMemory(), cts.Token);
        await writer.FlushAsync(cts.Token);
        var first = await reader.ReadLineAsync(cts.Token) ?? throw new IOException("the database closed the connection");
        var lines = new List<string> { first };
        if (first.StartsWith("ITEMS ", StringComparison.Ordinal) && int.TryParse(first.AsSpan(6), out var n))
        {
            for (var i = 0; i < n; i++)
            {
                lines.Add(await reader.ReadLineAsync(cts.Token) ?? throw new IOException("the database closed the connection mid-list"));
            }
        }

        if (first.StartsWith("ERR ", StringComparison.Ordinal))
        {
            throw new IOException("database error: " + first[4..]);
        }

        return lines;
    }

    /// <summary>Host and port from a connection string ("Host=todo-db;Port=5432;…" or "Server=…").</summary>
    public static (string? Host, int? Port) ParseConnectionString(string? connectionString)
    {
        string? host = null;
        int? port = null;
        foreach (var part in (connectionString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var key = part[..eq].Trim().ToLowerInvariant();
            var value = part[(eq + 1)..].Trim();
            if (key is "host" or "server" or "data source")
            {
                // "Server=host,port" and "host:port" forms appear in .NET connection strings too.
                var sep = value.IndexOfAny([',', ':']);
                if (sep > 0 && int.TryParse(value.AsSpan(sep + 1), out var p))
                {
                    port = p;
                    value = value[..sep];
                }

                host = value;
            }
            else if (key == "port" && int.TryParse(value, out var p))
            {
                port = p;
            }
        }

        return (host, port);
    }
}
