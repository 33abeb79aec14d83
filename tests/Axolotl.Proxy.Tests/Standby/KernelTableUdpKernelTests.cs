using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// A UDP frontend in the nftables-mode table (ADR 0030), in a network namespace playing the node: conntrack keeps a
/// client socket on the endpoint of its first datagram even after the table changed, until the ctnetlink cleanup
/// (<see cref="NetlinkConntrack"/>, <see cref="StaleUdpFlows"/>) deletes the entry.
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class KernelTableUdpKernelTests
{
    private const int Port = 30053;

    [RootFact]
    public async Task A_udp_client_stays_on_a_replaced_endpoint_until_its_conntrack_entry_is_deleted_over_netlink_then_reaches_the_new_one()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var stop = new CancellationTokenSource();
        // Endpoint A beside the node (this side of the veth), endpoint B on the node itself: two addresses, as two pods have.
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(node.HostAddress, 0));
        var b = await node.RunInsideAsync(() =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(node.NodeAddress, 0));
            return Task.FromResult(socket);
        });
        using var bDisposer = b;
        var echoes = Task.WhenAll(EchoAsync(a, "A", stop.Token), EchoAsync(b, "B", stop.Token));
        var frontend = new IPEndPoint(node.NodeAddress, Port);
        var table = StandbyTable.TableName("axlkutest");
        RoutingSnapshot Snapshot(Socket endpoint) => Build(($"{frontend}", Transport.Udp, FrontendKind.NodePort,
            Route("shop", "dns", "", externalLocal: false, Ready(((IPEndPoint)endpoint.LocalEndPoint!).Address.ToString(), ((IPEndPoint)endpoint.LocalEndPoint!).Port))));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(frontend);

        await ApplyAsync(node, StandbyTable.Script(table, Snapshot(a), ProxyMode.Nftables));
        Assert.Equal("A", await AskAsync(client));
        await ApplyAsync(node, StandbyTable.Script(table, Snapshot(b), ProxyMode.Nftables));
        // The table sends new flows to B, but this client's entry still says A: the reason for the cleanup.
        Assert.Equal("A", await AskAsync(client));

        var endpoints = StandbyTable.UdpEndpoints(Snapshot(b), ProxyMode.Nftables);
        var deleted = await node.RunInsideAsync(async () =>
        {
            var conntrack = new NetlinkConntrack();
            var flows = await conntrack.ListUdpAsync(CancellationToken.None);
            Assert.Contains(flows, f => f.OriginalDestination.Equals(frontend) && f.ReplySource.Equals(node.HostAddress));
            return await conntrack.DeleteAsync(StaleUdpFlows.Select(flows, endpoints, new HashSet<IPEndPoint>()), CancellationToken.None);
        });

        Assert.Equal(1, deleted);
        Assert.Equal("B", await AskAsync(client));
        await stop.CancelAsync();
        a.Dispose();
        b.Dispose();
        await echoes;
    }

    private static async Task ApplyAsync(StandbyNamespace node, string script)
    {
        var (code, errors) = await node.NftAsync(script);
        Assert.True(code == 0, $"nft refused the table: {errors}");
    }

    private static async Task<string> AskAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.SendAsync(Encoding.ASCII.GetBytes("who?"), SocketFlags.None, timeout.Token);
        var buffer = new byte[64];
        var read = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static async Task EchoAsync(Socket socket, string who, CancellationToken ct)
    {
        var buffer = new byte[64];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
                await socket.SendToAsync(Encoding.ASCII.GetBytes(who), SocketFlags.None, received.RemoteEndPoint, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
