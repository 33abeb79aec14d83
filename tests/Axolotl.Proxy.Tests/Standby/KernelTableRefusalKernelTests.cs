using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;
using static Axolotl.Proxy.Tests.Standby.TestConnections;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// An endpoint whose process just died refuses the SYNs the kernel already DNATs to it (issue 36): the table drops that
/// refusal, conntrack forgets the connection, and the client's retransmitted SYN is DNATed to the endpoint the table has
/// by then. One that keeps refusing is refused again after the window, as kube-proxy refuses it. In a network namespace
/// playing the node; this side of its veth plays the pods (inside the cluster CIDR).
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class KernelTableRefusalKernelTests
{
    private const int NodePort = 30080;
    private static readonly Ipv4Cidr Pods = Ipv4Cidr.Parse("10.253.0.0/16");

    [RootFact]
    public async Task A_syn_refused_by_a_dead_endpoint_is_retransmitted_to_the_endpoint_that_replaced_it_in_the_table()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var live = new TcpListener(node.HostAddress, 0);
        live.Start();
        using var stop = new CancellationTokenSource();
        var serving = AnswerAsync(live.Server, "live", stop.Token);
        var table = StandbyTable.TableName("axlkrtest");
        var frontend = new IPEndPoint(node.NodeAddress, NodePort);
        var dead = StandbyTable.Layout(table, Snapshot(node, FreePort(node.HostAddress)), ProxyMode.Nftables, Pods);
        var replaced = StandbyTable.Layout(table, Snapshot(node, ((IPEndPoint)live.LocalEndpoint).Port), ProxyMode.Nftables, Pods, previous: dead);
        var (code, errors) = await node.NftAsync(StandbyTable.Render(dead));
        Assert.True(code == 0, $"nft refused the table: {errors}");

        // The node's own client connects while the table still sends it to the dead endpoint; the agent's hint comes after.
        var started = Stopwatch.StartNew();
        var asking = node.RunInsideAsync(() => AskAsync(frontend));
        await Task.Delay(300);
        Assert.False(asking.IsCompleted, "the refusal reached the client: " + (asking.Exception?.InnerException?.Message ?? "answered"));
        (code, errors) = await node.NftAsync(StandbyTable.Changes(dead, replaced));
        Assert.True(code == 0, $"nft refused the change: {errors}");

        Assert.Equal($"live for {node.NodeAddress}", await asking);
        // Answered on the SYN retransmit (1 s after the first), not on the first SYN.
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(3));
        // Dropped once (the first refusal), none passed.
        Assert.Equal(["0", "0", "1"], Counters(await RefusedAsync(node, table)));
        await stop.CancelAsync();
        await serving;
    }

    [RootFact]
    public async Task An_endpoint_that_keeps_refusing_past_the_window_is_refused_again_as_kube_proxy_refuses_it()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        var table = StandbyTable.TableName("axlkrtest");
        var frontend = new IPEndPoint(node.NodeAddress, NodePort);
        var (code, errors) = await node.NftAsync(StandbyTable.Render(StandbyTable.Layout(table, Snapshot(node, FreePort(node.HostAddress)), ProxyMode.Nftables, Pods)));
        Assert.True(code == 0, $"nft refused the table: {errors}");

        // The first SYN and its retransmit 1 s later are inside the window; the one at 3 s is refused.
        var first = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<SocketException>(() => node.RunInsideAsync(() => AskAsync(frontend)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.InRange(first.Elapsed, StandbyTable.RefusalWindow, TimeSpan.FromSeconds(8));

        // Still refusing: refused at once now.
        var second = Stopwatch.StartNew();
        refused = await Assert.ThrowsAsync<SocketException>(() => node.RunInsideAsync(() => AskAsync(frontend)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.True(second.Elapsed < TimeSpan.FromMilliseconds(900), $"refused after {second.Elapsed.TotalMilliseconds:F0} ms");
        // Dropped: the first refusal and the retransmit at 1 s; passed: the one at 3 s and the second connection's.
        Assert.Equal(["1", "2", "1"], Counters(await RefusedAsync(node, table)));
    }

    /// <summary>The `refused` chain's counters, rule by rule (in the window, passed, first refusal).</summary>
    private static List<string> Counters(string listing) =>
        [.. System.Text.RegularExpressions.Regex.Matches(listing, @"counter packets (\d+)").Select(m => m.Groups[1].Value)];

    private static RoutingSnapshot Snapshot(StandbyNamespace node, int endpointPort) =>
        Build(($"{node.NodeAddress}:{NodePort}", Transport.Tcp, FrontendKind.NodePort,
            Route("shop", "web", "", externalLocal: false, Ready(node.HostAddress.ToString(), endpointPort))));

    /// <summary>A port nothing listens on (taken and given back: the kernel does not hand it out again at once).</summary>
    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static async Task<string> RefusedAsync(StandbyNamespace node, string table)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true };
        foreach (var arg in new[] { "netns", "exec", node.Name, "nft", "list", "chain", "ip", table, "refused" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var listing = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return listing;
    }
}
