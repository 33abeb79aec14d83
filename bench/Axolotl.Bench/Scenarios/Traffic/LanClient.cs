using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// Client machines on the node's LAN: a network namespace of the bench's own, joined to the host by a veth pair and
/// routed through the host, so its connections reach a NodePort as a real client's do: into the node's prerouting hook
/// and forwarded to the pod, not through the output hook of the node's own sockets. Its addresses are in 198.18.0.0/15,
/// the range set aside for benchmarks (RFC 2544); nothing leaves the machine. Removed on dispose, and a namespace left
/// by a killed run of the same PID is removed first.
/// <para>Two client addresses, one per way in (<see cref="NewSocketAsync"/>): a pod keeps a TIME_WAIT socket per wire
/// 4-tuple for 60 s, and Linux derives a connection's TCP timestamp offset from its own 4-tuple. A client that reached the
/// same pod port from the same address and port straight and then through the NodePort (another 4-tuple at the client,
/// the same one at the pod) would find about half its SYNs refused by the other path's TIME_WAIT (PAWS): an artefact of
/// alternating two ways in from one client, which no real client does.</para>
/// </summary>
internal sealed class LanClient : IAsyncDisposable
{
    private static readonly IPAddress HostSide = IPAddress.Parse("198.18.0.1");
    private readonly Func<Socket> _sockets;

    private LanClient(string netns, string hostLink, Func<Socket> sockets)
    {
        Netns = netns;
        HostLink = hostLink;
        _sockets = sockets;
    }

    public string Netns { get; }

    public string HostLink { get; }

    /// <summary>The clients' own addresses (the first for straight to the pods, the second through the node), as the pods see them when nothing masquerades them.</summary>
    public static IReadOnlyList<IPAddress> Addresses { get; } = [IPAddress.Parse("198.18.0.2"), IPAddress.Parse("198.18.0.3")];

    /// <summary>IP_BIND_ADDRESS_NO_PORT: a bound source address, with the port still chosen at connect (per 4-tuple, not per address).</summary>
    private const int BindAddressNoPort = 24;

    public static async Task<LanClient> CreateAsync(CancellationToken ct)
    {
        var netns = $"axl-bench-lan-{Environment.ProcessId}";
        var hostLink = $"axbl{Environment.ProcessId}h";
        await RemoveAsync(netns, hostLink);
        try
        {
            string[][] steps =
            [
                ["netns", "add", netns],
                ["link", "add", hostLink, "type", "veth", "peer", "name", "lan0", "netns", netns],
                ["addr", "add", HostSide + "/29", "dev", hostLink],
                ["link", "set", hostLink, "up"],
                ["-n", netns, "addr", "add", Addresses[0] + "/29", "dev", "lan0"],
                ["-n", netns, "addr", "add", Addresses[1] + "/29", "dev", "lan0"],
                ["-n", netns, "link", "set", "lan0", "up"],
                ["-n", netns, "link", "set", "lo", "up"],
                // Everything through the node, as a LAN host whose gateway (or route to the pod CIDR) is the node.
                ["-n", netns, "route", "add", "default", "via", HostSide.ToString()],
            ];
            foreach (var step in steps)
            {
                await IpAsync(step, check: true, ct);
            }
            return new LanClient(netns, hostLink, PodSockets.In(netns, ProtocolType.Tcp));
        }
        catch
        {
            await RemoveAsync(netns, hostLink);
            throw;
        }
    }

    /// <summary>A new TCP socket of LAN client <paramref name="client"/> (0 or 1), bound to its address (made on the calling
    /// thread, which setns takes there and back: a thread of the bench's own handing sockets out would cap the clients'
    /// connection rate).</summary>
    public Task<Socket> NewSocketAsync(int client)
    {
        var socket = _sockets();
        try
        {
            socket.SetRawSocketOption((int)SocketOptionLevel.IP, BindAddressNoPort, BitConverter.GetBytes(1));
            socket.Bind(new IPEndPoint(Addresses[client], 0));
            return Task.FromResult(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RemoveAsync(Netns, HostLink);
    }

    /// <summary>Deleting the namespace deletes its end of the veth pair, and with it the host's end.</summary>
    private static async Task RemoveAsync(string netns, string hostLink)
    {
        if (File.Exists(Path.Combine("/run/netns", netns)))
        {
            await IpAsync(["netns", "del", netns], check: false, CancellationToken.None);
        }
        if (Directory.Exists($"/sys/class/net/{hostLink}"))
        {
            await IpAsync(["link", "del", hostLink], check: false, CancellationToken.None);
        }
    }

    private static async Task IpAsync(string[] arguments, bool check, CancellationToken ct)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", arguments) { UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException("cannot run ip");
        var error = await ip.StandardError.ReadToEndAsync(ct);
        await ip.WaitForExitAsync(ct);
        if (check && ip.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {error.Trim()}");
        }
    }
}
