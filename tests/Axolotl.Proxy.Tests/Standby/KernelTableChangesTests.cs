using System.Net;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// A readiness hint in the kernel table (ADR 0030) costs only what it changed: the elements and pick chains that differ,
/// in one small transaction, while a new snapshot still replaces the whole table.
/// </summary>
public sealed class KernelTableChangesTests
{
    private static readonly IPAddress Seven = IPAddress.Parse("10.244.0.7");

    private static readonly RoutingSnapshot Web = Build(
        ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.244.0.3", 8080), Ready("10.244.0.7", 8080))),
        ("10.96.0.40:53", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "names", "", externalLocal: false, Ready("10.244.0.7", 5353))),
        ("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, new ServiceRoute(new ServicePortName("shop", "cart", ""), [Ready("10.244.0.7", 9000)], "node-1",
            internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromHours(3))));

    private static (StandbyTableWriter Writer, List<string> Applied, LocalPodReadiness Board) Writer(Func<string, int>? exitCode = null)
    {
        var applied = new List<string>();
        var board = new LocalPodReadiness();
        var writer = new StandbyTableWriter("t", NullLogger.Instance, (script, _) =>
        {
            applied.Add(script);
            return Task.FromResult((exitCode?.Invoke(script) ?? 0, ""));
        })
        {
            Mode = ProxyMode.Nftables,
            LocalReadiness = board,
        };
        return (writer, applied, board);
    }

    [Fact]
    public async Task A_hint_is_a_transaction_of_the_changed_pick_chain_and_hairpin_elements_and_its_recovery_undoes_it()
    {
        var (writer, applied, board) = Writer();
        await writer.WriteAsync(Web, CancellationToken.None);

        board.Report("uid-7", Seven, ready: false);
        await writer.WriteAsync(Web, CancellationToken.None);
        board.Report("uid-7", Seven, ready: true);
        await writer.WriteAsync(Web, CancellationToken.None);

        Assert.Equal(3, applied.Count);
        Assert.StartsWith("add table ip t\ndelete table ip t\n", applied[0], StringComparison.Ordinal);
        // names (chain 1) loses its only endpoint: no element, so refused; web (chain 2) keeps 10.244.0.3; cart (standby) is untouched.
        Assert.Equal(
            "delete element ip t frontends { 10.96.0.40 . 53 }\n" +
            "delete element ip t local_frontends { 10.96.0.40 . 53 }\n" +
            "delete element ip t hairpin { 10.244.0.7 . 10.244.0.7 }\n" +
            "flush chain ip t pick_1\n" +
            "flush chain ip t pick_2\n" +
            "add rule ip t pick_2 meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.244.0.3 . 8080 }\n",
            applied[1]);
        Assert.Equal(
            "flush chain ip t pick_1\n" +
            "add rule ip t pick_1 meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.244.0.7 . 5353 }\n" +
            "flush chain ip t pick_2\n" +
            "add rule ip t pick_2 meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.7 . 8080 }\n" +
            "add element ip t frontends { 10.96.0.40 . 53 : jump ep_1 }\n" +
            "add element ip t local_frontends { 10.96.0.40 . 53 : jump ep_1 }\n" +
            "add element ip t hairpin { 10.244.0.7 . 10.244.0.7 }\n",
            applied[2]);
        Assert.Equal((1, 2), (writer.FullWrites, writer.IncrementalWrites));
        Assert.Equal(StandbyTable.Script("t", Web, ProxyMode.Nftables), writer.Installed);
    }

    [Fact]
    public async Task After_a_hint_the_writer_holds_the_whole_table_the_hint_leads_to_and_the_relay_keeps_its_listeners_closed()
    {
        var (writer, _, board) = Writer();
        await writer.WriteAsync(Web, CancellationToken.None);
        var kernel = writer.KernelFrontends;

        board.Report("uid-7", Seven, ready: false);
        await writer.WriteAsync(Web, CancellationToken.None);

        Assert.Equal(StandbyTable.Script("t", Web, ProxyMode.Nftables, null, a => a.Equals(Seven)), writer.Installed);
        Assert.Same(kernel, writer.KernelFrontends);
        Assert.Contains(new Frontend(IPAddress.Parse("10.96.0.40"), 53), writer.KernelFrontends);
    }

    [Fact]
    public async Task A_new_snapshot_replaces_the_whole_table_even_while_hints_are_held()
    {
        var (writer, applied, board) = Writer();
        await writer.WriteAsync(Web, CancellationToken.None);
        board.Report("uid-7", Seven, ready: false);
        var moved = Build(("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP,
            Route("shop", "web", "", externalLocal: false, Ready("10.244.0.3", 8080), Ready("10.244.0.7", 8080), Ready("10.244.0.9", 8080))));

        await writer.WriteAsync(moved, CancellationToken.None);

        Assert.Equal((2, 0), (writer.FullWrites, writer.IncrementalWrites));
        Assert.Contains("mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.9 . 8080 }", applied[1], StringComparison.Ordinal);
        Assert.StartsWith("add table ip t\ndelete table ip t\n", applied[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_change_falls_back_to_the_whole_table_in_the_same_write()
    {
        var (writer, applied, board) = Writer(script => script.StartsWith("add table", StringComparison.Ordinal) ? 0 : 1);
        await writer.WriteAsync(Web, CancellationToken.None);
        board.Report("uid-7", Seven, ready: false);

        Assert.True(await writer.WriteAsync(Web, CancellationToken.None));

        Assert.Equal(3, applied.Count);
        Assert.StartsWith("delete element", applied[1], StringComparison.Ordinal);
        Assert.Equal(StandbyTable.Script("t", Web, ProxyMode.Nftables, null, a => a.Equals(Seven)), applied[2]);
        Assert.Equal((2, 0), (writer.FullWrites, writer.IncrementalWrites));
    }

    [Fact]
    public void Two_layouts_of_different_snapshots_have_no_change_between_them()
    {
        var before = StandbyTable.Layout("t", Web, ProxyMode.Nftables);
        var after = StandbyTable.Layout("t", Build(), ProxyMode.Nftables);

        Assert.Throws<ArgumentException>(() => StandbyTable.Changes(before, after));
        Assert.Equal("", StandbyTable.Changes(before, StandbyTable.Layout("t", Web, ProxyMode.Nftables, null, _ => false)));
    }
}
