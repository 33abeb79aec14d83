using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Testing;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// A client machine beside the node: a network namespace joined to the host by a veth pair, its default
/// route through the host, so its connections to node ports and cluster IPs arrive at the node from
/// outside (prerouting), as another machine's would. Requests run on a thread that joined the namespace,
/// each on a new connection. Removed on dispose. Never leaves the machine.
/// </summary>
internal sealed class OutsideClient : IAsyncDisposable
{
    private readonly VethNamespace _ns;

    private OutsideClient(VethNamespace ns) => _ns = ns;

    public static async Task<OutsideClient> CreateAsync() =>
        new(await VethNamespace.CreateAsync("axlcl", secondOctetOfNet10: 252, routeViaHost: true));

    /// <summary>One request's outcome: when it started and ended (on <paramref name="clock"/>), the body or the error, and the client's port (0 if none was bound).</summary>
    public sealed record Request(TimeSpan Started, TimeSpan Ended, bool Ok, string Outcome, int LocalPort = 0);

    /// <summary>GET / on a new connection, over and over from inside the namespace, until <paramref name="ct"/> is cancelled.</summary>
    public Task<List<Request>> RequestUntilAsync(IPEndPoint target, Stopwatch clock, CancellationToken ct) =>
        _ns.RunInsideAsync(() =>
        {
            var requests = new List<Request>();
            while (!ct.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                var (ok, outcome, port) = Get(target);
                requests.Add(new Request(started, clock.Elapsed, ok, outcome, port));
                if (!ok)
                {
                    // A refused connect returns at once: do not spin.
                    Thread.Sleep(20);
                }
            }
            return requests;
        }, "outside-client");

    /// <summary>One GET / on a new connection from inside the namespace (for waiting until the path works).</summary>
    public Task<(bool Ok, string Outcome)> GetOnceAsync(IPEndPoint target) => _ns.RunInsideAsync(() =>
    {
        var (ok, outcome, _) = Get(target);
        return (ok, outcome);
    });

    private static (bool Ok, string Outcome, int LocalPort) Get(IPEndPoint target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000, SendTimeout = 5000 };
        try
        {
            var connect = socket.BeginConnect(target, null, null);
            if (!connect.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)))
            {
                return (false, "connect timeout", LocalPort(socket));
            }
            socket.EndConnect(connect);
            socket.Send("GET / HTTP/1.0\r\n\r\n"u8);
            var response = new StringBuilder();
            var buffer = new byte[4096];
            int read;
            while ((read = socket.Receive(buffer)) > 0)
            {
                response.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var text = response.ToString();
            return text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Contains(" 200 ", StringComparison.Ordinal)
                ? (true, text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim(), LocalPort(socket))
                : (false, text.Length == 0 ? "closed without an answer" : text.Split('\n')[0].Trim(), LocalPort(socket));
        }
        catch (SocketException e)
        {
            return (false, e.SocketErrorCode.ToString(), LocalPort(socket));
        }
    }

    /// <summary>The port connect() bound (kept after a refusal), to tell a reused 4-tuple from a fresh one in a failure.</summary>
    private static int LocalPort(Socket socket)
    {
        try
        {
            return (socket.LocalEndPoint as IPEndPoint)?.Port ?? 0;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return 0;
        }
    }

    public ValueTask DisposeAsync() => _ns.DisposeAsync();
}
