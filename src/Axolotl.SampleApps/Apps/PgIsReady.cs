using System.Globalization;
using Axolotl.SampleApps.Common;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// pg_isready for the todo-db stand-in (the kiamol manifests' exec liveness probe):
/// <c>-h host</c> (default localhost), <c>-p port</c> (default 5432). Exit 0 and
/// "host:port - accepting connections" when it answers PING, else exit 2 "no response".
/// </summary>
public static class PgIsReady
{
    public static async Task<int> RunAsync(AppArgs args)
    {
        var host = args.Get("host", "localhost");
        var port = args.GetInt("port", TodoDbProtocol.DefaultPort);
        var positional = args.Positional;
        for (var i = 0; i + 1 < positional.Count; i++)
        {
            if (positional[i] == "-h")
            {
                host = positional[++i];
            }
            else if (positional[i] == "-p")
            {
                port = int.Parse(positional[++i], NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
        }

        try
        {
            var reply = await TodoDbProtocol.SendAsync(host, port, "PING", TimeSpan.FromSeconds(3));
            if (reply[0] == "PONG")
            {
                Log.Line($"{host}:{port} - accepting connections");
                return 0;
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
        }

        Log.Line($"{host}:{port} - no response");
        return 2;
    }
}
