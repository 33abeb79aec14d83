using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;
using static Axolotl.Proxy.Tests.Standby.TestConnections;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// Issue 36's flake (NodePortSurvivesServerKillTests): a relay connection that the process's death resets leaves a
/// conntrack entry without NAT in state CLOSE (10 s by default). A client that opens a new connection from the same port
/// meanwhile sends a SYN that conntrack attaches to that entry ("ignored" in CLOSE, as the reset came from the node's side),
/// so the standby chain never sees a new connection and the node refuses it: no relay listens any more. The table gives
/// the relay's flows a CLOSE timeout of 0, so the reset entry is gone at once and the SYN is a new connection.
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class StandbyReusedPortKernelTests
{
    private const int NodePort = 30081;

    [RootFact]
    public async Task A_client_reusing_the_port_of_a_relay_connection_the_relays_death_reset_is_served_by_the_kernel_not_refused()
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

        // A relay connection with the client's request unread when the relay dies: the kernel resets it.
        var relay = node.ListenInside(frontend);
        int clientPort;
        using (var first = ClientSocket(new IPEndPoint(node.HostAddress, 0)))
        {
            await first.ConnectAsync(frontend);
            clientPort = ((IPEndPoint)first.LocalEndPoint!).Port;
            await first.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"), SocketFlags.None);
            var accepted = await relay.AcceptAsync();
            await WaitUntilReadableAsync(accepted);
            accepted.LingerState = new LingerOption(true, 0);
            accepted.Dispose();
            relay.Dispose();
            var reset = await Assert.ThrowsAsync<SocketException>(async () => await ReadToEndAsync(first));
            Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
        }

        // The same client port again, at once: the kernel's connection to the endpoint, not a refusal.
        using var second = ClientSocket(new IPEndPoint(node.HostAddress, clientPort));
        await second.ConnectAsync(frontend).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"endpoint for {node.NodeAddress}", await ReadToEndAsync(second));
        await stop.CancelAsync();
        await serving;
    }

    [RootFact]
    public async Task A_change_in_relay_mode_keeps_the_relay_frontends_in_step_with_the_frontends()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        var table = StandbyTable.TableName("axlsbtest");
        var web = Route("shop", "web", "", externalLocal: false, Ready("10.253.0.3", 8080));
        var start = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web),
            ($"{node.NodeAddress}:30080", Transport.Tcp, FrontendKind.NodePort, web));
        var next = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web),
            ("10.96.0.50:5432", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "db", "", externalLocal: false, Ready("10.253.0.11", 5432))));
        var before = StandbyTable.Layout(table, start);
        var after = StandbyTable.Layout(table, next, previous: before);

        Assert.Equal(0, (await node.NftAsync(StandbyTable.Render(before))).ExitCode);
        var (code, errors) = await node.NftAsync(StandbyTable.Changes(before, after));
        Assert.True(code == 0, $"nft refused the change: {errors}");
        var changed = await RelayFrontendsAsync(node, table);
        Assert.Equal(0, (await node.NftAsync(StandbyTable.Render(StandbyTable.Layout(table, next)))).ExitCode);

        Assert.Equal(await RelayFrontendsAsync(node, table), changed);
        Assert.Contains("10.96.0.50 . 5432", changed, StringComparison.Ordinal);
        Assert.DoesNotContain("30080", changed, StringComparison.Ordinal);
    }

    private static async Task<string> RelayFrontendsAsync(StandbyNamespace node, string table)
    {
        var (code, output, errors) = await Axolotl.Hosting.HostTools.IpCommand.CaptureAsync("ip",
            ["netns", "exec", node.Name, "nft", "list", "set", "ip", table, "relay_frontends"], CancellationToken.None);
        Assert.True(code == 0, errors);
        return output;
    }

    private static Socket ClientSocket(IPEndPoint local)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(local);
        return socket;
    }

    /// <summary>The request is in the relay's receive queue (so closing the socket resets the connection, as a dying process's close does).</summary>
    private static async Task WaitUntilReadableAsync(Socket socket)
    {
        for (var i = 0; i < 200 && socket.Available == 0; i++)
        {
            await Task.Delay(10);
        }
        Assert.True(socket.Available > 0, "the request never reached the relay");
    }
}
