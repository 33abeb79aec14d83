using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// sessionAffinity ClientIP over UDP in the nftables-mode table (ADR 0030), in a network namespace playing the node: every
/// datagram of a client goes from a socket of its own (a new source port, so a new conntrack entry and a new DNAT decision,
/// as a resolver's queries are), and all of them reach the endpoint of its first, the client being an element of that
/// endpoint's set only; when that endpoint leaves, its clients are placed afresh and stick again. The clients are the
/// node's own, each from an address of its own; the endpoints are UDP echo sockets on this side of the veth, one address
/// and three ports (three endpoints, as three pods).
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class KernelTableUdpAffinityKernelTests
{
    private const int NodePort = 30092;
    private const int Clients = 12;
    private const int FlowsPerClient = 6;

    [RootFact]
    public async Task Every_new_udp_flow_of_a_client_reaches_its_first_endpoint_and_a_departed_endpoints_clients_stick_to_their_next()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var stop = new CancellationTokenSource();
        var echoes = "ABC".Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).ToList();
        echoes.ForEach(e => e.Bind(new IPEndPoint(node.HostAddress, 0)));
        var serving = Task.WhenAll(echoes.Select((e, i) => EchoAsync(e, "ABC"[i].ToString(), stop.Token)));
        IPEndPoint Endpoint(int i) => (IPEndPoint)echoes[i].LocalEndPoint!;
        var frontend = new IPEndPoint(node.NodeAddress, NodePort);
        RoutingSnapshot Snapshot(params int[] endpoints) => Build(($"{frontend}", Transport.Udp, FrontendKind.NodePort,
            new ServiceRoute(new ServicePortName("shop", "dns", ""), [.. endpoints.Select(i => Ready(Endpoint(i).Address.ToString(), Endpoint(i).Port))], "node-1",
                internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromHours(3))));
        var table = StandbyTable.TableName("axlkuatest");
        string SetOf(string name) => $"aff_0_{Ipv4Cidr.ToUInt(node.HostAddress):x8}_{Endpoint("ABC".IndexOf(name, StringComparison.Ordinal)).Port}";
        var net = node.HostAddress.GetAddressBytes()[2];
        var clients = Enumerable.Range(0, Clients).Select(i => IPAddress.Parse($"10.253.{net}.{100 + i}")).ToList();
        foreach (var client in clients)
        {
            Assert.Equal(0, (await node.ExecInsideAsync("ip", "addr", "add", $"{client}/32", "dev", "lo")).ExitCode);
        }

        var three = StandbyTable.Layout(table, Snapshot(0, 1, 2), ProxyMode.Nftables);
        await ApplyAsync(node, StandbyTable.Render(three));
        var first = new Dictionary<IPAddress, string>();
        foreach (var client in clients)
        {
            // Six flows, one endpoint: random picks over three would differ with probability 242/243.
            var answers = await AskInNewFlowsAsync(node, client, frontend, FlowsPerClient, firstPort: 40000);
            Assert.True(answers.Count == 1, $"{client}'s {FlowsPerClient} flows answered by {string.Join(", ", answers)}");
            first[client] = answers.Single();
            foreach (var name in "ABC".Select(c => c.ToString()))
            {
                Assert.Equal(name == first[client], await InSetAsync(node, table, SetOf(name), client));
            }
        }
        // Twelve clients all on one endpoint by chance: 1 in 3^11.
        Assert.True(first.Values.Distinct().Count() > 1, "every client on one endpoint");

        // The endpoint most clients chose leaves: its set goes with it; its clients are placed among the two left and
        // stick there, the others keep theirs.
        var gone = first.Values.GroupBy(v => v, StringComparer.Ordinal).MaxBy(g => g.Count())!.Key;
        var left = "ABC".Select(c => c.ToString()).Where(n => n != gone).ToList();
        var two = StandbyTable.Layout(table, Snapshot([.. left.Select(n => "ABC".IndexOf(n, StringComparison.Ordinal))]), ProxyMode.Nftables, previous: three);
        await ApplyAsync(node, StandbyTable.Changes(three, two));
        foreach (var client in clients)
        {
            var answers = await AskInNewFlowsAsync(node, client, frontend, FlowsPerClient, firstPort: 41000);
            Assert.True(answers.Count == 1, $"{client}'s {FlowsPerClient} flows after {gone} left answered by {string.Join(", ", answers)}");
            Assert.Contains(answers.Single(), left);
            if (first[client] != gone)
            {
                Assert.Equal(first[client], answers.Single());
            }
            Assert.True(await InSetAsync(node, table, SetOf(answers.Single()), client));
        }

        await stop.CancelAsync();
        echoes.ForEach(e => e.Dispose());
        await serving;
    }

    private static async Task ApplyAsync(StandbyNamespace node, string script)
    {
        var (code, errors) = await node.NftAsync(script);
        Assert.True(code == 0, $"nft refused:\n{script}\n{errors}");
    }

    /// <summary>Whether <paramref name="client"/> is an element of the affinity set <paramref name="set"/> (`nft get element` fails when not).</summary>
    private static async Task<bool> InSetAsync(StandbyNamespace node, string table, string set, IPAddress client) =>
        (await node.ExecInsideAsync("nft", "get", "element", "ip", table, set, $"{{ {client} }}")).ExitCode == 0;

    /// <summary>
    /// <paramref name="flows"/> datagrams from <paramref name="source"/> (an address of the node's), each from a socket of its
    /// own, each awaiting its answer: the names of the endpoints that answered ("A", "B", "C"). The source ports start at
    /// <paramref name="firstPort"/>, so no datagram finds a conntrack entry an earlier one left (a random port could).
    /// </summary>
    private static Task<HashSet<string>> AskInNewFlowsAsync(StandbyNamespace node, IPAddress source, IPEndPoint frontend, int flows, int firstPort) =>
        node.RunInsideAsync(async () =>
        {
            // Every socket made before the first await: the continuations run on threads outside the namespace.
            var sockets = Enumerable.Range(0, flows).Select(i =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(source, firstPort + i));
                return socket;
            }).ToList();
            var names = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                foreach (var client in sockets)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await client.SendToAsync(Encoding.ASCII.GetBytes("who?"), SocketFlags.None, frontend, timeout.Token);
                    var buffer = new byte[64];
                    var read = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                    names.Add(Encoding.ASCII.GetString(buffer, 0, read));
                }
            }
            finally
            {
                sockets.ForEach(s => s.Dispose());
            }
            return names;
        });

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
