using System.Net;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// A readiness hint or a new snapshot in the kernel table (ADR 0030) costs only what it changed: the elements, chains and
/// affinity sets that differ, in one small transaction; the whole table only at the first write and after a refused change.
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
        // cart (chain 0, ClientIP) and names (chain 1) lose their only endpoint: no element, so refused; cart's affinity set for
        // that endpoint stays (only held back: its clients find it again when it recovers), its chain goes; web (chain 2) keeps 10.244.0.3.
        Assert.Equal(
            "delete element ip t frontends { 10.96.0.30 . 9000, 10.96.0.40 . 53 }\n" +
            "delete element ip t local_frontends { 10.96.0.30 . 9000, 10.96.0.40 . 53 }\n" +
            "delete element ip t hairpin { 10.244.0.7 . 10.244.0.7 }\n" +
            "flush chain ip t aep_0_0af40007_9000\n" +
            "flush chain ip t pick_0\n" +
            "flush chain ip t pick_1\n" +
            "flush chain ip t pick_2\n" +
            "delete chain ip t aep_0_0af40007_9000\n" +
            "add rule ip t pick_2 meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.244.0.3 . 8080 }\n",
            applied[1]);
        Assert.Equal(
            "flush chain ip t pick_0\n" +
            "flush chain ip t pick_1\n" +
            "flush chain ip t pick_2\n" +
            "add chain ip t aep_0_0af40007_9000\n" +
            "add rule ip t pick_0 ip saddr @aff_0_0af40007_9000 goto aep_0_0af40007_9000\n" +
            "add rule ip t pick_0 numgen random mod 1 vmap { 0 : goto aep_0_0af40007_9000 }\n" +
            "add rule ip t aep_0_0af40007_9000 update @aff_0_0af40007_9000 { ip saddr }\n" +
            "add rule ip t aep_0_0af40007_9000 meta l4proto tcp dnat ip to 10.244.0.7:9000\n" +
            "add rule ip t pick_1 meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.244.0.7 . 5353 }\n" +
            "add rule ip t pick_2 meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.7 . 8080 }\n" +
            "add element ip t frontends { 10.96.0.30 . 9000 : jump ep_0, 10.96.0.40 . 53 : jump ep_1 }\n" +
            "add element ip t local_frontends { 10.96.0.30 . 9000 : jump ep_0, 10.96.0.40 . 53 : jump ep_1 }\n" +
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
    public async Task A_new_snapshot_that_moves_endpoints_is_a_change_of_its_pick_chain_even_while_hints_are_held()
    {
        var (writer, applied, board) = Writer();
        await writer.WriteAsync(Web, CancellationToken.None);
        board.Report("uid-7", Seven, ready: false);
        var moved = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.244.0.3", 8080), Ready("10.244.0.7", 8080), Ready("10.244.0.9", 8080))),
            ("10.96.0.40:53", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "names", "", externalLocal: false, Ready("10.244.0.7", 5353))),
            ("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, new ServiceRoute(new ServicePortName("shop", "cart", ""), [Ready("10.244.0.7", 9000)], "node-1",
                internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromHours(3))));

        await writer.WriteAsync(moved, CancellationToken.None);

        Assert.Equal((1, 1), (writer.FullWrites, writer.IncrementalWrites));
        Assert.Contains("add rule ip t pick_2 meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.9 . 8080 }\n", applied[1], StringComparison.Ordinal);
        Assert.DoesNotContain("ep_2", applied[1], StringComparison.Ordinal);
        Assert.DoesNotContain("table ip t {", applied[1], StringComparison.Ordinal);
        Assert.Equal(StandbyTable.Script("t", moved, ProxyMode.Nftables, null, a => a.Equals(Seven)), writer.Installed);
    }

    [Fact]
    public async Task A_service_port_added_in_the_middle_keeps_the_others_numbers_and_takes_an_unused_one_and_one_removed_leaves_with_its_chains()
    {
        var (writer, applied, _) = Writer();
        await writer.WriteAsync(Web, CancellationToken.None);
        var more = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.244.0.3", 8080), Ready("10.244.0.7", 8080))),
            ("10.96.0.40:53", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "names", "", externalLocal: false, Ready("10.244.0.7", 5353))),
            ("10.96.0.50:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "db", "", externalLocal: false, Ready("10.244.0.11", 5432))));

        await writer.WriteAsync(more, CancellationToken.None);

        // db sorts first but takes a number no chain had (3, not cart's 0: its counter starts at zero); web and names keep 2 and 1, untouched.
        Assert.Equal((1, 1), (writer.FullWrites, writer.IncrementalWrites));
        Assert.Equal(
            "delete element ip t frontends { 10.96.0.30 . 9000 }\n" +
            "delete element ip t local_frontends { 10.96.0.30 . 9000 }\n" +
            "flush chain ip t ep_0\n" +
            "flush chain ip t pick_0\n" +
            "flush chain ip t aep_0_0af40007_9000\n" +
            "delete chain ip t ep_0\n" +
            "delete chain ip t pick_0\n" +
            "delete set ip t aff_0_0af40007_9000\n" +
            "delete chain ip t aep_0_0af40007_9000\n" +
            "add chain ip t ep_3\n" +
            "add chain ip t pick_3\n" +
            "add rule ip t ep_3 ct mark set ct mark or 0x00100000\n" +
            "add rule ip t ep_3 fib saddr type local ct mark set ct mark or 0x00100000\n" +
            "add rule ip t ep_3 counter\n" +
            "add rule ip t ep_3 goto pick_3\n" +
            "add rule ip t pick_3 meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.244.0.11 . 5432 }\n" +
            "add element ip t frontends { 10.96.0.50 . 80 : jump ep_3 }\n" +
            "add element ip t local_frontends { 10.96.0.50 . 80 : jump ep_3 }\n" +
            "add element ip t hairpin { 10.244.0.11 . 10.244.0.11 }\n",
            applied[1]);
        Assert.Equal(StandbyTable.Render(StandbyTable.Layout("t", more, ProxyMode.Nftables, previous: StandbyTable.Layout("t", Web, ProxyMode.Nftables))), writer.Installed);
    }

    [Fact]
    public async Task A_changed_affinity_timeout_is_a_whole_table_numbered_afresh_and_affinity_sets_carry_the_services_timeout()
    {
        var (writer, applied, _) = Writer();
        await writer.WriteAsync(Web, CancellationToken.None);
        var longer = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.244.0.3", 8080), Ready("10.244.0.7", 8080))),
            ("10.96.0.40:53", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "names", "", externalLocal: false, Ready("10.244.0.7", 5353))),
            ("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, new ServiceRoute(new ServicePortName("shop", "cart", ""), [Ready("10.244.0.7", 9000)], "node-1",
                internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromSeconds(60))));

        await writer.WriteAsync(longer, CancellationToken.None);

        Assert.Equal((2, 0), (writer.FullWrites, writer.IncrementalWrites));
        Assert.Contains("timeout 10800s", applied[0], StringComparison.Ordinal);
        Assert.Contains("timeout 60s", applied[1], StringComparison.Ordinal);
        Assert.Equal(StandbyTable.Script("t", longer, ProxyMode.Nftables), applied[1]);
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
    public void Layouts_of_different_modes_or_affinity_timeouts_have_no_change_between_them_and_an_unchanged_one_an_empty_change()
    {
        var before = StandbyTable.Layout("t", Web, ProxyMode.Nftables);
        var longer = Build(("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, new ServiceRoute(new ServicePortName("shop", "cart", ""), [Ready("10.244.0.7", 9000)], "node-1",
            internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromHours(4))));

        Assert.Throws<ArgumentException>(() => StandbyTable.Changes(before, StandbyTable.Layout("t", Web, ProxyMode.Relay)));
        Assert.False(StandbyTable.CanChange(before, StandbyTable.Layout("t", longer, ProxyMode.Nftables, previous: before)));
        Assert.True(StandbyTable.CanChange(before, StandbyTable.Layout("t", Build(), ProxyMode.Nftables, previous: before)));
        Assert.Equal("", StandbyTable.Changes(before, StandbyTable.Layout("t", Web, ProxyMode.Nftables, null, _ => false)));
    }
}
