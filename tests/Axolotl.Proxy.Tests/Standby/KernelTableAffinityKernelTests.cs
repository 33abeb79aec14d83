using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;
using static Axolotl.Proxy.Tests.Standby.TestConnections;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// sessionAffinity ClientIP in the nftables-mode table (ADR 0030), in a network namespace playing the node: a client keeps
/// the endpoint of its first connection through a change that adds an endpoint, and loses it only with that endpoint.
/// The clients are the node's own (inside the namespace), each from an address of its own; the endpoints listen on this
/// side of the veth, on one address and three ports (three endpoints, as three pods).
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class KernelTableAffinityKernelTests
{
    private const int NodePort = 30090;
    private const int Clients = 12;

    [RootFact]
    public async Task Each_client_keeps_its_endpoint_across_connections_and_a_change_and_moves_only_when_that_endpoint_leaves_with_its_set()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var stop = new CancellationTokenSource();
        var listeners = new[] { "A", "B", "C" }.Select(_ => new TcpListener(node.HostAddress, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var serving = Task.WhenAll(listeners.Select((l, i) => AnswerAsync(l.Server, "ABC"[i].ToString(), stop.Token)));
        RouteEndpoint Endpoint(int i) => Ready(node.HostAddress.ToString(), ((IPEndPoint)listeners[i].LocalEndpoint).Port);
        var frontend = new IPEndPoint(node.NodeAddress, NodePort);
        RoutingSnapshot Snapshot(params int[] endpoints) => Build(($"{frontend}", Transport.Tcp, FrontendKind.NodePort,
            new ServiceRoute(new ServicePortName("shop", "cart", ""), [.. endpoints.Select(Endpoint)], "node-1", internalLocal: false, externalLocal: false,
                affinityTimeout: TimeSpan.FromHours(3))));
        var table = StandbyTable.TableName("axlkatest");
        var net = node.HostAddress.GetAddressBytes()[2];
        var clients = Enumerable.Range(0, Clients).Select(i => IPAddress.Parse($"10.253.{net}.{100 + i}")).ToList();
        foreach (var client in clients)
        {
            Assert.Equal(0, (await node.ExecInsideAsync("ip", "addr", "add", $"{client}/32", "dev", "lo")).ExitCode);
        }

        var two = StandbyTable.Layout(table, Snapshot(0, 1), ProxyMode.Nftables);
        await ApplyAsync(node, StandbyTable.Render(two));
        var first = new Dictionary<IPAddress, string>();
        foreach (var client in clients)
        {
            var answers = new HashSet<string>();
            for (var i = 0; i < 5; i++)
            {
                answers.Add(await AskFromAsync(node, client, frontend));
            }
            // Five connections, one endpoint: random picks over two would differ with probability 15/16.
            Assert.Single(answers);
            first[client] = answers.Single();
        }
        // Twelve clients all on one endpoint by chance: 1 in 2048.
        Assert.Equal(2, first.Values.Distinct().Count());

        // A third endpoint comes, as a change: the others' sets (and so their clients) stay.
        var three = StandbyTable.Layout(table, Snapshot(0, 1, 2), ProxyMode.Nftables, previous: two);
        var change = StandbyTable.Changes(two, three);
        Assert.DoesNotContain("delete set", change, StringComparison.Ordinal);
        await ApplyAsync(node, change);
        foreach (var client in clients)
        {
            Assert.Equal(first[client], await AskFromAsync(node, client, frontend));
        }

        // A leaves: its set goes with it, its clients are picked again (B or C), B's clients stay on B.
        var withoutA = StandbyTable.Layout(table, Snapshot(1, 2), ProxyMode.Nftables, previous: three);
        await ApplyAsync(node, StandbyTable.Changes(three, withoutA));
        var sets = await ListSetsAsync(node, table);
        Assert.DoesNotContain($"_{((IPEndPoint)listeners[0].LocalEndpoint).Port}", sets, StringComparison.Ordinal);
        Assert.Contains($"_{((IPEndPoint)listeners[1].LocalEndpoint).Port}", sets, StringComparison.Ordinal);
        foreach (var client in clients)
        {
            var now = await AskFromAsync(node, client, frontend);
            Assert.NotEqual("A", now);
            if (first[client] == "B")
            {
                Assert.Equal("B", now);
            }
        }

        await stop.CancelAsync();
        listeners.ForEach(l => l.Stop());
        await serving;
    }

    [RootFact]
    public async Task A_client_whose_endpoint_a_hint_holds_back_goes_elsewhere_meanwhile_and_back_to_it_when_it_recovers()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var stop = new CancellationTokenSource();
        // Two pods on addresses of their own (a hint holds back an address), added to this side of the veth (they go with it).
        var net = node.HostAddress.GetAddressBytes()[2];
        var pods = new[] { IPAddress.Parse($"198.18.{net}.10"), IPAddress.Parse($"198.18.{net}.11") };
        foreach (var pod in pods)
        {
            await RunAsync("ip", "addr", "add", $"{pod}/32", "dev", node.HostLink);
            Assert.Equal(0, (await node.ExecInsideAsync("ip", "route", "add", $"{pod}/32", "via", node.HostAddress.ToString())).ExitCode);
        }
        var listeners = pods.Select(p => new TcpListener(p, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var serving = Task.WhenAll(listeners.Select((l, i) => AnswerAsync(l.Server, "AB"[i].ToString(), stop.Token)));
        var frontend = new IPEndPoint(node.NodeAddress, NodePort);
        var snapshot = Build(($"{frontend}", Transport.Tcp, FrontendKind.NodePort,
            new ServiceRoute(new ServicePortName("shop", "cart", ""), [.. listeners.Select(l => Ready(((IPEndPoint)l.LocalEndpoint).Address.ToString(), ((IPEndPoint)l.LocalEndpoint).Port))],
                "node-1", internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromHours(3))));
        var table = StandbyTable.TableName("axlkatest");
        var clients = Enumerable.Range(0, Clients).Select(i => IPAddress.Parse($"10.253.{net}.{100 + i}")).ToList();
        foreach (var client in clients)
        {
            Assert.Equal(0, (await node.ExecInsideAsync("ip", "addr", "add", $"{client}/32", "dev", "lo")).ExitCode);
        }
        var ready = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables);
        await ApplyAsync(node, StandbyTable.Render(ready));
        var first = new Dictionary<IPAddress, string>();
        foreach (var client in clients)
        {
            first[client] = await AskFromAsync(node, client, frontend);
            Assert.Equal(first[client], await AskFromAsync(node, client, frontend));
        }
        // Twelve clients all on one endpoint by chance: 1 in 2048.
        Assert.Equal(2, first.Values.Distinct().Count());

        // The agent's hint holds A back (a failed probe): A's clients go to B meanwhile; A's set stays.
        var heldBack = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables, knownNotReady: a => a.Equals(pods[0]), previous: ready);
        var change = StandbyTable.Changes(ready, heldBack);
        Assert.DoesNotContain("delete set", change, StringComparison.Ordinal);
        await ApplyAsync(node, change);
        foreach (var client in clients)
        {
            Assert.Equal("B", await AskFromAsync(node, client, frontend));
        }
        Assert.Contains($"aff_0_{Ipv4Cidr.ToUInt(pods[0]):x8}_", await ListSetsAsync(node, table), StringComparison.Ordinal);

        // A recovers: each client is back on its first endpoint.
        var recovered = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables, previous: heldBack);
        await ApplyAsync(node, StandbyTable.Changes(heldBack, recovered));
        foreach (var client in clients)
        {
            Assert.Equal(first[client], await AskFromAsync(node, client, frontend));
        }

        await stop.CancelAsync();
        listeners.ForEach(l => l.Stop());
        await serving;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(psi)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {errors}");
    }

    private static async Task ApplyAsync(StandbyNamespace node, string script)
    {
        var (code, errors) = await node.NftAsync(script);
        Assert.True(code == 0, $"nft refused:\n{script}\n{errors}");
    }

    /// <summary>The affinity sets' names in the namespace's table.</summary>
    private static async Task<string> ListSetsAsync(StandbyNamespace node, string table)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ip", ["netns", "exec", node.Name, "nft", "list", "table", "ip", table]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(psi)!;
        var listing = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return string.Join("\n", listing.Split('\n').Where(l => l.TrimStart().StartsWith("set aff_", StringComparison.Ordinal)));
    }

    /// <summary>One connection from <paramref name="source"/> (an address of the node's), read to the end: "A", "B" or "C".</summary>
    private static Task<string> AskFromAsync(StandbyNamespace node, IPAddress source, IPEndPoint frontend) =>
        node.RunInsideAsync(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Bind(new IPEndPoint(source, 0));
            await client.ConnectAsync(frontend, timeout.Token);
            var buffer = new byte[256];
            var total = 0;
            int read;
            while ((read = await client.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, timeout.Token)) > 0)
            {
                total += read;
            }
            return Encoding.ASCII.GetString(buffer, 0, total).Split(' ')[0];
        });
}
