using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Forwarding;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Proxy.Tests;

/// <summary>
/// The forwarding path without the API: a snapshot the test swaps by hand, the real forwarder,
/// picker, connection registry and listeners, all on 127.0.0.1.
/// </summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    public static readonly ServicePortName Web = new("default", "web", "http");
    private RoutingSnapshot _snapshot = RoutingSnapshot.Empty;

    public ProxyHarness(BalancingMode mode = BalancingMode.RoundRobin, int maxConnections = 4096, int replayLimit = 64 * 1024,
        TimeSpan? connectTimeout = null, TimeSpan? connectDeadline = null)
    {
        Picker = new EndpointPicker(mode, TimeProvider.System);
        var forwarder = new Forwarder(() => Volatile.Read(ref _snapshot), Picker, Connections,
            new ForwarderOptions(maxConnections, MaxConnectAttempts: 4, ConnectTimeout: connectTimeout ?? TimeSpan.FromSeconds(3), BufferSize: 4096, ReplayLimit: replayLimit)
            {
                ConnectDeadline = connectDeadline ?? TimeSpan.FromSeconds(10),
            },
            TimeProvider.System, NullLogger.Instance);
        Listeners = new ListenerSet(forwarder.HandleAsync, backlog: 4096, TimeProvider.System, NullLogger.Instance);
        Frontend = new Frontend(IPAddress.Loopback, FreePort());
    }

    public Frontend Frontend { get; }

    public EndpointPicker Picker { get; }

    public ConnectionRegistry Connections { get; } = new();

    public ListenerSet Listeners { get; }

    public RoutingSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Serves <see cref="Web"/> on <see cref="Frontend"/> with these endpoints (ready unless said otherwise).</summary>
    public async Task RouteAsync(params RouteEndpoint[] endpoints)
    {
        Swap(SnapshotWith(Frontend, endpoints));
        await Listeners.ReconcileAsync([Frontend]);
    }

    /// <summary>Swaps the snapshot as the routing loop does, resetting connections of Service ports that are gone.</summary>
    public void Swap(RoutingSnapshot next)
    {
        Volatile.Write(ref _snapshot, next);
        Connections.AbortMissing(next);
        Picker.Prune(next);
    }

    public static RoutingSnapshot SnapshotWith(Frontend frontend, params RouteEndpoint[] endpoints) => SnapshotWith(frontend, replayUnanswered: true, endpoints);

    public static RoutingSnapshot SnapshotWith(Frontend frontend, bool replayUnanswered, params RouteEndpoint[] endpoints) =>
        new(new Dictionary<ServicePortName, ServiceRoute> { [Web] = new ServiceRoute(Web, endpoints, "node-1", false, false, replayUnanswered) },
            new Dictionary<Frontend, FrontendTarget> { [frontend] = new FrontendTarget(Web, FrontendKind.NodePort) },
            new HashSet<IPAddress>(), []);

    public static RouteEndpoint Ready(IPEndPoint endPoint, string? pod = null) => new(endPoint, true, true, false, "node-1", pod);

    public static RouteEndpoint NotReady(IPEndPoint endPoint) => new(endPoint, false, false, false, "node-1", null);

    /// <summary>
    /// A free port below the ephemeral range (32768+): a port taken from that range and released can be
    /// handed to some outgoing connection (the API clients of parallel tests) before the proxy binds it.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = 20000 + Random.Shared.Next(12000);
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
                // Taken; try another.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Listeners.DisposeAsync();
        Connections.AbortAll();
    }
}
