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

        public Task<IReadOnlyList<ConntrackFlow>> ListUdpAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ConntrackFlow>>([]);

        public Task<int> DeleteAsync(IReadOnlyList<ConntrackFlow> flows, CancellationToken ct) => Task.FromResult(0);

        public Task<ConntrackFlow?> FindByReplyAsync(byte protocol, IPEndPoint replySource, IPEndPoint replyDestination, CancellationToken ct) => Answer.Task;
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
}
