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
