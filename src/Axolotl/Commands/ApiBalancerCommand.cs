using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Meta;
using Axolotl.Proxy.ApiServers;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl api-balancer --server URL,URL…`: a local address in front of all of a cluster's API
/// servers, for kubectl and any client whose kubeconfig names one server. The servers' certificates
/// name 127.0.0.1, so a kubeconfig pointing at the default listen address verifies as it would
/// against any one server.
/// </summary>
public static partial class ApiBalancerCommand
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "server", "listen", "connect-timeout" };

    public const string Usage = """
        Usage: axolotl api-balancer --server https://HOST:PORT,https://HOST:PORT... [--listen ADDR:PORT] [--connect-timeout 2s]

        Listens on a local address and passes each connection to one of the cluster's API servers: the one that
        took the last connection or, when it cannot be reached, the next. TLS is not terminated: certificates and
        tokens go end to end, and the balancer holds no credential. Point a kubeconfig at it (kubectl config
        set-cluster axolotl --server=https://127.0.0.1:6444) and kubectl keeps working while any one server is down.

          --server URLS          the API servers, comma-separated (the same list agents take)
          --listen ADDR:PORT     where to listen (default 127.0.0.1:6444)
          --connect-timeout D    how long to wait for a server before trying the next (default 2s; e.g. 500ms)
        """;

    public static async Task<int> RunAsync(CommandLine args)
    {
        var servers = AgentCommand.ParseServers(args.Get("server")).Select(u => new DnsEndPoint(u.DnsSafeHost, u.Port)).ToList();
        var listen = ParseListen(args.Get("listen") ?? "127.0.0.1:6444");
        var connectTimeout = ParseTimeout(args.Get("connect-timeout") ?? "2s");

        using var command = new CommandHost();
        var log = command.Logging.CreateLogger("axolotl.api-balancer");
        using var balancer = new ApiServerBalancer(servers, log, connectTimeout);
        IPEndPoint bound;
        try
        {
            bound = balancer.Listen(listen);
        }
        catch (SocketException e)
        {
            throw new ArgumentException($"cannot listen on {listen}: {e.Message}");
        }
        var serverList = string.Join(", ", servers.Select(ApiServerBalancer.Name));
        LogListening(log, bound, serverList);
        await balancer.RunAsync(command.Shutdown.Token);
        return 0;
    }

    internal static IPEndPoint ParseListen(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port is > 0 and <= 65535 && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new ArgumentException($"invalid --listen \"{text}\": want ADDRESS:PORT, e.g. 127.0.0.1:6444");

    internal static TimeSpan ParseTimeout(string text) =>
        GoDuration.TryParse(text, out var value, out _) && value >= TimeSpan.FromMilliseconds(10) && value <= TimeSpan.FromSeconds(60)
            ? value
            : throw new ArgumentException($"invalid --connect-timeout \"{text}\": want a duration from 10ms to 60s, e.g. 2s or 500ms");

    [LoggerMessage(Level = LogLevel.Information, Message = "api-balancer listening on {Listen}, servers {Servers}")]
    private static partial void LogListening(ILogger logger, IPEndPoint listen, string servers);
}
