using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;
using static Axolotl.Proxy.Tests.Standby.TestConnections;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// The standby table in a real kernel: a network namespace plays the node, with a node port on its address;
/// the endpoint (a listener here, beside the client) is reached through the table only while no relay
/// listens on the node port inside the namespace.
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class StandbyTableKernelTests
{
    private const int NodePort = 30080;

    [RootFact]
    public async Task A_new_connection_goes_to_the_relay_while_it_listens_and_to_the_endpoint_through_the_kernel_while_it_does_not()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var endpoint = new TcpListener(node.HostAddress, 0);
        endpoint.Start();
        using var stop = new CancellationTokenSource();
        var serving = AnswerAsync(endpoint.Server, "endpoint", stop.Token);
        var route = Route("shop", "web", "", externalLocal: false,
            Ready(node.HostAddress.ToString(), ((IPEndPoint)endpoint.LocalEndpoint).Port));
        var snapshot = Build(($"{node.NodeAddress}:{NodePort}", Transport.Tcp, FrontendKind.NodePort, route));
        var frontend = new IPEndPoint(node.NodeAddress, NodePort);

        var (code, errors) = await node.NftAsync(StandbyTable.Script(StandbyTable.TableName("axlsbtest"), snapshot));
        Assert.True(code == 0, $"nft refused the standby table: {errors}");

        // No relay: the kernel takes the connection to the endpoint, masqueraded to the node's address.
        Assert.Equal($"endpoint for {node.NodeAddress}", await AskAsync(frontend));

        // The relay listens: the socket lookup leaves the connection to it, with the client's address.
        var relay = node.ListenInside(frontend);
        var relaying = AnswerAsync(relay, "relay", stop.Token);
        Assert.Equal($"relay for {node.HostAddress}", await AskAsync(frontend));
        Assert.Equal($"relay for {node.HostAddress}", await AskAsync(frontend));
        relay.Dispose();
        await relaying;

        // The relay is gone again (a killed process): the next connection is the kernel's.
        Assert.Equal($"endpoint for {node.NodeAddress}", await AskAsync(frontend));

        // A program on the node listening on 0.0.0.0 with the same port is not a relay: the Service keeps its connections.
        var squatter = node.ListenInside(new IPEndPoint(IPAddress.Any, NodePort));
        var squatting = AnswerAsync(squatter, "squatter", stop.Token);
        Assert.Equal($"endpoint for {node.NodeAddress}", await AskAsync(frontend));
        squatter.Dispose();
        await squatting;
        await stop.CancelAsync();
        await serving;
    }

    [RootFact]
    public async Task A_frontend_without_endpoints_is_refused()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        var route = Route("shop", "web", "", externalLocal: false, NotReady(node.HostAddress.ToString(), 8080));
        var snapshot = Build(($"{node.NodeAddress}:{NodePort}", Transport.Tcp, FrontendKind.NodePort, route));
        var (code, errors) = await node.NftAsync(StandbyTable.Script(StandbyTable.TableName("axlsbtest"), snapshot));
        Assert.True(code == 0, $"nft refused the standby table: {errors}");

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(new IPEndPoint(node.NodeAddress, NodePort)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
