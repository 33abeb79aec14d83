using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Drain;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Tests.Drain;

/// <summary>
/// The order the runtime's exit hook relies on (ADR 0030): the held duplicate is drained and closed before
/// <see cref="DrainedConnections.RelayAsync"/> first waits, so the port is free the moment its task exists, however long the
/// conntrack look-ups and the relay of what was drained take.
/// </summary>
public sealed class DrainedConnectionsTests
{
    private sealed class FakeListener(IReadOnlyList<Socket> queued) : IHeldListener
    {
        public int Port => 8080;

        public int Drained { get; private set; }

        public bool Closed { get; private set; }

        public IReadOnlyList<Socket> Drain(int limit, CancellationToken ct)
        {
            Drained++;
            return queued.Take(limit).ToList();
        }

        public void Dispose() => Closed = true;
    }

    /// <summary>A conntrack whose look-up answers only when the test says.</summary>
    private sealed class SlowConntrack : IConntrack
    {
        public TaskCompletionSource<ConntrackFlow?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(IPEndPoint ReplySource, IPEndPoint ReplyDestination)> Asked { get; } = [];

        public Task<IReadOnlyList<ConntrackFlow>> ListUdpAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ConntrackFlow>>([]);

        public Task<int> DeleteAsync(IReadOnlyList<ConntrackFlow> flows, CancellationToken ct) => Task.FromResult(0);

        public Task<ConntrackFlow?> FindByReplyAsync(byte protocol, IPEndPoint replySource, IPEndPoint replyDestination, CancellationToken ct)
        {
            Asked.Add((replySource, replyDestination));
            return Answer.Task;
        }
    }

    [Fact]
    public async Task The_duplicate_is_drained_and_closed_before_the_relay_first_waits()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var queued = await listener.AcceptSocketAsync();
        var held = new FakeListener([queued]);
        var conntrack = new SlowConntrack();
        var forwarded = 0;
        var drained = new DrainedConnections(() => RoutingSnapshot.Empty, () => new HashSet<Frontend>(), conntrack,
            (_, _, _, _, _) =>
            {
                forwarded++;
                return Task.CompletedTask;
            }, () => 16);

        var relay = drained.RelayAsync(held, new IPEndPoint(IPAddress.Parse("10.244.0.4"), 8080), CancellationToken.None, CancellationToken.None);

        Assert.False(relay.IsCompleted);
        Assert.Equal(1, held.Drained);
        Assert.True(held.Closed);

        // No entry: the connection reached no Service, so it is reset, never forwarded.
        conntrack.Answer.SetResult(null);
        Assert.Equal((0, 1), await relay.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, forwarded);
    }

    [Fact]
    public async Task A_dual_stack_listeners_connection_is_looked_up_in_conntrack_by_its_IPv4_addresses()
    {
        // Kestrel listens on [::] with IPv4 mapped in: its connections show ::ffff:a.b.c.d, conntrack's IPv4 entry a.b.c.d.
        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndPoint!).Port));
        var queued = await listener.AcceptAsync();
        Assert.True(((IPEndPoint)queued.LocalEndPoint!).Address.IsIPv4MappedToIPv6);
        var conntrack = new SlowConntrack();
        conntrack.Answer.SetResult(null);
        var drained = new DrainedConnections(() => RoutingSnapshot.Empty, () => new HashSet<Frontend>(), conntrack, (_, _, _, _, _) => Task.CompletedTask, () => 16);

        await drained.RelayAsync(new FakeListener([queued]), new IPEndPoint(IPAddress.Loopback, 8080), CancellationToken.None, CancellationToken.None);

        var (source, destination) = Assert.Single(conntrack.Asked);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndPoint!).Port), source);
        Assert.Equal(IPAddress.Loopback, destination.Address);
        Assert.Equal(((IPEndPoint)client.LocalEndPoint!).Port, destination.Port);
    }
}
