using System.Diagnostics;
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
/// The nftables-mode table (ADR 0030) in a real kernel: a network namespace plays the node, the endpoint listens on
/// this side of its veth. Unlike the standby path, a relay socket on the frontend takes nothing, and the node's own
/// clients (inside the namespace) are DNATed by the output hook.
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class KernelTableKernelTests
{
    private const int NodePort = 30080;

    [RootFact]
    public async Task The_kernel_takes_every_connection_even_while_a_relay_listens_and_serves_the_nodes_own_clients()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var endpoint = new TcpListener(node.HostAddress, 0);
        endpoint.Start();
        using var stop = new CancellationTokenSource();
        var serving = AnswerAsync(endpoint.Server, "endpoint", stop.Token);
        var route = Route("shop", "web", "", externalLocal: false, Ready(node.HostAddress.ToString(), ((IPEndPoint)endpoint.LocalEndpoint).Port));
        var snapshot = Build(($"{node.NodeAddress}:{NodePort}", Transport.Tcp, FrontendKind.NodePort, route));
        var frontend = new IPEndPoint(node.NodeAddress, NodePort);
        var (code, errors) = await node.NftAsync(StandbyTable.Script(StandbyTable.TableName("axlkptest"), snapshot, ProxyMode.Nftables, Ipv4Cidr.Parse("10.244.0.0/16")));
        Assert.True(code == 0, $"nft refused the table: {errors}");

        // A relay listening on the frontend is passed by: the kernel DNATs before any socket lookup (externalTrafficPolicy Cluster: masqueraded).
        var relay = node.ListenInside(frontend);
        var relaying = AnswerAsync(relay, "relay", stop.Token);
        Assert.Equal($"endpoint for {node.NodeAddress}", await AskAsync(frontend));
        Assert.Equal($"endpoint for {node.NodeAddress}", await node.RunInsideAsync(() => AskAsync(frontend)));
        relay.Dispose();
        await relaying;
        await stop.CancelAsync();
        await serving;
    }

    [RootFact]
    public async Task A_client_that_reaches_itself_through_a_cluster_ip_is_masqueraded_so_its_answer_comes_back()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var endpoint = new TcpListener(node.HostAddress, 0);
        endpoint.Start();
        using var stop = new CancellationTokenSource();
        var serving = AnswerAsync(endpoint.Server, "endpoint", stop.Token);
        // A documentation address as the cluster IP, routed to the namespace over its veth (the route goes with the link).
        var clusterIp = IPAddress.Parse($"198.51.100.{node.HostAddress.GetAddressBytes()[2]}");
        await RunAsync("ip", "route", "replace", $"{clusterIp}/32", "via", node.NodeAddress.ToString());
        var route = Route("shop", "web", "", externalLocal: false, Ready(node.HostAddress.ToString(), ((IPEndPoint)endpoint.LocalEndpoint).Port));
        var snapshot = Build(($"{clusterIp}:80", Transport.Tcp, FrontendKind.ClusterIP, route));
        // The client's address is inside the cluster CIDR, so only the hairpin rule masquerades it; without it the endpoint
        // (the same address) would answer the client directly, past the namespace's conntrack, and the connect would fail.
        var (code, errors) = await node.NftAsync(StandbyTable.Script(StandbyTable.TableName("axlkptest"), snapshot, ProxyMode.Nftables, Ipv4Cidr.Parse("10.253.0.0/16")));
        Assert.True(code == 0, $"nft refused the table: {errors}");

        Assert.Equal($"endpoint for {node.NodeAddress}", await AskAsync(new IPEndPoint(clusterIp, 80)));
        await stop.CancelAsync();
        await serving;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {errors}");
    }
}
