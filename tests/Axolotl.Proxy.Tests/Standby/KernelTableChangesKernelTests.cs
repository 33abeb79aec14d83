using System.Diagnostics;
using System.Net;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>A hint's small transaction leaves the kernel with exactly the table a whole write with the hint would (ADR 0030), through nft and through libnftables, in a network namespace.</summary>
[Collection(StandbyNamespace.Collection)]
public sealed class KernelTableChangesKernelTests
{
    [RootFact]
    public async Task A_hint_and_its_recovery_applied_as_changes_list_the_same_as_the_whole_tables_they_stand_for()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        var table = StandbyTable.TableName("axlkctest");
        var cidr = Ipv4Cidr.Parse("10.253.0.0/16");
        var snapshot = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.253.0.3", 8080), Ready("10.253.0.7", 8080))),
            ($"{node.NodeAddress}:30080", Transport.Tcp, FrontendKind.NodePort, Route("shop", "web", "", externalLocal: false, Ready("10.253.0.3", 8080), Ready("10.253.0.7", 8080))),
            ("10.96.0.40:53", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "names", "", externalLocal: false, Ready("10.253.0.7", 5353))));
        Func<IPAddress, bool> seven = a => a.Equals(IPAddress.Parse("10.253.0.7"));
        var ready = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables, cidr);
        var hinted = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables, cidr, seven);

        var whole = await ListAfterAsync(node, table, StandbyTable.Render(hinted));
        var changed = await ListAfterAsync(node, table, StandbyTable.Render(ready), StandbyTable.Changes(ready, hinted));
        var back = await ListAfterAsync(node, table, StandbyTable.Render(ready), StandbyTable.Changes(ready, hinted), StandbyTable.Changes(hinted, ready));

        Assert.Equal(whole, changed);
        Assert.DoesNotContain("10.96.0.40 . 53", changed, StringComparison.Ordinal);
        Assert.Equal(await ListAfterAsync(node, table, StandbyTable.Render(ready)), back);
    }

    [RootFact]
    public async Task Snapshot_changes_list_the_same_as_the_whole_tables_they_stand_for_and_keep_untouched_counters()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        var table = StandbyTable.TableName("axlkctest");
        var cidr = Ipv4Cidr.Parse("10.253.0.0/16");
        ServiceRoute Sticky(params RouteEndpoint[] endpoints) =>
            new(new ServicePortName("shop", "cart", ""), endpoints, "node-1", internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromMinutes(5));
        var web = Route("shop", "web", "", externalLocal: false, Ready("10.253.0.3", 8080), Ready("10.253.0.7", 8080));
        var start = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web),
            ($"{node.NodeAddress}:30080", Transport.Tcp, FrontendKind.NodePort, web),
            ("10.96.0.40:53", Transport.Udp, FrontendKind.ClusterIP, Route("shop", "names", "", externalLocal: false, Ready("10.253.0.7", 5353))),
            ("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, Sticky(Ready("10.253.0.7", 9000), Ready("10.253.0.8", 9000))));
        // A rollout (web's 10.253.0.7 replaced by .9; cart's .7 by .10), names removed, db added, cart's node port added.
        var rolled = Route("shop", "web", "", externalLocal: false, Ready("10.253.0.3", 8080), Ready("10.253.0.9", 8080));
        var next = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, rolled),
            ($"{node.NodeAddress}:30080", Transport.Tcp, FrontendKind.NodePort, rolled),
            ("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, Sticky(Ready("10.253.0.8", 9000), Ready("10.253.0.10", 9000))),
            ($"{node.NodeAddress}:30090", Transport.Tcp, FrontendKind.NodePort, Sticky(Ready("10.253.0.8", 9000), Ready("10.253.0.10", 9000))),
            ("10.96.0.50:5432", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "db", "", externalLocal: false, Ready("10.253.0.11", 5432))));
        var before = StandbyTable.Layout(table, start, ProxyMode.Nftables, cidr);
        var after = StandbyTable.Layout(table, next, ProxyMode.Nftables, cidr, previous: before);
        var back = StandbyTable.Layout(table, start, ProxyMode.Nftables, cidr, previous: after);

        var whole = await ListAfterAsync(node, table, StandbyTable.Render(after));
        var changed = await ListAfterAsync(node, table, StandbyTable.Render(before), StandbyTable.Changes(before, after));
        var wholeBack = await ListAfterAsync(node, table, StandbyTable.Render(back));
        var changedBack = await ListAfterAsync(node, table, StandbyTable.Render(before), StandbyTable.Changes(before, after), StandbyTable.Changes(after, back));

        // nft lists chains in the order they were made: the same table, block for block.
        Assert.Equal(Blocks(whole), Blocks(changed));
        Assert.Equal(Blocks(wholeBack), Blocks(changedBack));
        Assert.Contains("10.253.0.10", changed, StringComparison.Ordinal);
        Assert.DoesNotContain("10.96.0.40", changed, StringComparison.Ordinal);

        // A counter of a chain the change leaves alone keeps counting: web's node port chain (its pick changed, not it).
        var webChain = before.Chains.Single(c => c.Entry.Target.Service.Name == "web" && c.Entry.Target.IsExternal).Index;
        await ListAfterAsync(node, table, StandbyTable.Render(before));
        var (code, errors) = await node.NftAsync($"reset counters table ip {table}\n");
        Assert.True(code == 0, errors);
        await node.RunInsideAsync(async () =>
        {
            using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            // Nobody answers at 10.253.0.x: the SYN is counted on its way (the node's own client, output hook), which is all this needs.
            try
            {
                await client.ConnectAsync(new IPEndPoint(node.NodeAddress, 30080), timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException)
            {
            }
            return 0;
        });
        var counted = Counter(await ListAfterAsync(node, table), webChain);
        Assert.NotEqual("packets 0 bytes 0", counted);
        Assert.Equal(counted, Counter(await ListAfterAsync(node, table, StandbyTable.Changes(before, after)), webChain));
    }

    /// <summary>The counter of chain ep_<paramref name="index"/> in a listing.</summary>
    private static string Counter(string listing, int index)
    {
        var chain = listing[listing.IndexOf($"chain ep_{index} {{", StringComparison.Ordinal)..];
        var counter = chain[(chain.IndexOf("counter ", StringComparison.Ordinal) + "counter ".Length)..];
        return counter[..counter.IndexOf('\n', StringComparison.Ordinal)].Trim();
    }

    /// <summary>A listing's sets, maps and chains, each with its lines, in name order (nft lists them in the order they were made).</summary>
    private static List<string> Blocks(string listing)
    {
        var blocks = new List<string>();
        var current = new System.Text.StringBuilder();
        // Without the table's own first and last lines.
        foreach (var line in listing.Split('\n').Skip(1).Where(l => l.StartsWith('\t')))
        {
            if (line.StartsWith("\t", StringComparison.Ordinal) && !line.StartsWith("\t\t", StringComparison.Ordinal) && line.TrimEnd().EndsWith('{'))
            {
                if (current.Length > 0)
                {
                    blocks.Add(current.ToString());
                }
                current.Clear();
            }
            current.Append(line).Append('\n');
        }
        blocks.Add(current.ToString());
        blocks.Sort(StringComparer.Ordinal);
        return blocks;
    }

    [RootFact]
    public async Task Libnftables_in_process_applies_the_same_transactions_and_reports_a_refused_one()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        var table = StandbyTable.TableName("axlkctest");
        var snapshot = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.253.0.3", 8080), Ready("10.253.0.7", 8080))));
        var ready = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables);
        var hinted = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables, null, a => a.Equals(IPAddress.Parse("10.253.0.7")));
        var whole = await ListAfterAsync(node, table, StandbyTable.Render(hinted));
        await node.NftAsync($"delete table ip {table}");

        // The context belongs to the namespace of the thread that makes it.
        var (results, refused) = await node.RunInsideAsync(() =>
        {
            var nft = LibNftables.TryCreate(out _) ?? throw new InvalidOperationException("libnftables is not on this machine");
            var results = new[] { nft.Run(StandbyTable.Render(ready)), nft.Run(StandbyTable.Changes(ready, hinted)) };
            return Task.FromResult((results, nft.Run($"delete element ip {table} hairpin {{ 10.253.0.99 . 10.253.0.99 }}\n")));
        });

        Assert.All(results, r => Assert.Equal((0, ""), r));
        Assert.Equal(whole, await ListAfterAsync(node, table));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("hairpin", refused.Errors, StringComparison.Ordinal);
    }

    private static async Task<string> ListAfterAsync(StandbyNamespace node, string table, params string[] scripts)
    {
        foreach (var script in scripts)
        {
            var (code, errors) = await node.NftAsync(script);
            Assert.True(code == 0, $"nft refused:\n{script}\n{errors}");
        }
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", node.Name, "nft", "list", "table", "ip", table })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var listing = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return listing;
    }
}
