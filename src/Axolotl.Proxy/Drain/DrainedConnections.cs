using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Forwarding;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Drain;

/// <summary>
/// What happens to the connections queued on a dead pod's held listener (ADR 0030, issue 36): drained up to the relay's
/// free connection slots (the rest are reset by the close, as today), each one's original frontend found in conntrack
/// (<see cref="OriginalFrontend"/>), and handed to the relay's forwarder for that frontend with the dead endpoint excluded,
/// so it reaches only that Service port's other endpoints, with replay and NetworkPolicy admission as any relayed
/// connection; one without a frontend is reset. Closes the held listener before it returns, so the port is free.
/// </summary>
internal sealed class DrainedConnections(
    Func<RoutingSnapshot> snapshot,
    Func<IReadOnlySet<Frontend>> kernelFrontends,
    IConntrack conntrack,
    Func<Socket, Frontend, IPAddress?, IPEndPoint?, CancellationToken, Task> forward,
    Func<int> freeSlots)
{
    /// <summary>
    /// Drains <paramref name="held"/>, whose pod at <paramref name="deadEndpoint"/> died, and closes it.
    /// <paramref name="bound"/> limits the drain (<see cref="IHeldListener.Drain"/>); <paramref name="ct"/> is the relay's
    /// lifetime, which the forwarded connections run under. The drain and the close run on the caller's thread before the
    /// first await, so the port is free when the returned task exists (the runtime's exit hook relies on it).
    /// </summary>
    public async Task<(int Relayed, int Reset)> RelayAsync(IHeldListener held, IPEndPoint deadEndpoint, CancellationToken bound, CancellationToken ct)
    {
        IReadOnlyList<Socket> drained;
        try
        {
            drained = held.Drain(Math.Max(0, freeSlots()), bound);
        }
        finally
        {
            held.Dispose();
        }
        var relayed = 0;
        var reset = 0;
        var routing = snapshot();
        var kernel = kernelFrontends();
        foreach (var socket in drained)
        {
            Frontend? frontend = null;
            ConntrackFlow? flow = null;
            try
            {
                // A dual-stack listener's (Kestrel's, Go's) connections show IPv4 peers as ::ffff:a.b.c.d; conntrack's IPv4 entry has them as they are.
                if (Ipv4(socket.LocalEndPoint) is { } local && Ipv4(socket.RemoteEndPoint) is { } peer)
                {
                    flow = await conntrack.FindByReplyAsync(ConntrackFlow.Tcp, local, peer, ct);
                    frontend = OriginalFrontend.Resolve(routing, kernel, flow, deadEndpoint);
                }
            }
            catch (Exception e) when (e is SocketException or System.ComponentModel.Win32Exception or ObjectDisposedException)
            {
                frontend = null;
            }
            if (frontend is { } target && flow is not null)
            {
                _ = forward(socket, target, flow.OriginalSource.Address, deadEndpoint, ct);
                relayed++;
            }
            else
            {
                ConnectionPump.Abort(socket);
                reset++;
            }
        }
        return (relayed, reset);
    }

    /// <summary>The endpoint as IPv4 (an IPv4-mapped IPv6 address unmapped); null for an IPv6 one, which the IPv4 table never DNATed.</summary>
    internal static IPEndPoint? Ipv4(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetwork } v4 => v4,
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped => new IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port),
        _ => null,
    };
}
