using System.Net;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>The agent's readiness hints (ADR 0003) in the kernel table (ADR 0030): a pod known not ready here leaves the DNAT maps before its EndpointSlice says so.</summary>
public sealed class KernelTableHintTests
{
    private static readonly RoutingSnapshot Web = Build(
        ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, Ready("10.244.0.3", 8080), Ready("10.244.0.7", 8080))),
        ("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, new ServiceRoute(new ServicePortName("shop", "cart", ""), [Ready("10.244.0.7", 9000)], "node-1",
            internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromHours(3))));

    [Fact]
    public void A_pod_known_not_ready_here_leaves_the_kernel_dnat_map_and_the_hairpin_set_but_keeps_its_affinity_set()
    {
        var notReady = IPAddress.Parse("10.244.0.7");

        var script = StandbyTable.Script("t", Web, ProxyMode.Nftables, null, a => a.Equals(notReady));

        Assert.Contains("dnat ip to numgen random mod 1 map { 0 : 10.244.0.3 . 8080 }", script, StringComparison.Ordinal);
        Assert.Contains("elements = { 10.244.0.3 . 10.244.0.3 }", script, StringComparison.Ordinal);
        // The affinity port had only that pod: no element (refused, as the relay refuses), and nothing sends a client there; its
        // clients' set stays, so they come back to it when it recovers (issue 36).
        Assert.DoesNotContain("10.96.0.30 . 9000", script, StringComparison.Ordinal);
        Assert.Contains("set aff_0_0af40007_9000 {", script, StringComparison.Ordinal);
        Assert.DoesNotContain("@aff_", script, StringComparison.Ordinal);
        Assert.DoesNotContain("aep_", script, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frontend_whose_every_endpoint_is_known_not_ready_stays_the_kernels_without_an_element_so_it_is_refused()
    {
        var script = StandbyTable.Script("t", Web, ProxyMode.Nftables, null, a => a.ToString().StartsWith("10.244.0.", StringComparison.Ordinal));

        Assert.DoesNotContain("10.96.0.20 . 80", script, StringComparison.Ordinal);
        Assert.DoesNotContain("8080", script, StringComparison.Ordinal);
        // The relay must not reopen its listener: the kernel answers with a reset, as the relay's picker refuses with none left.
        Assert.Equal([new Frontend(IPAddress.Parse("10.96.0.30"), 9000), new Frontend(IPAddress.Parse("10.96.0.20"), 80)],
            StandbyTable.KernelFrontends(Web, ProxyMode.Nftables));
    }

    [Fact]
    public async Task A_hint_and_its_recovery_each_rewrite_the_table_and_the_board_says_when_they_change()
    {
        var applied = new List<string>();
        var board = new LocalPodReadiness();
        var changes = 0;
        board.Changed += () => changes++;
        var writer = new StandbyTableWriter("t", NullLogger.Instance, (script, _) =>
        {
            applied.Add(script);
            return Task.FromResult((0, ""));
        })
        {
            Mode = ProxyMode.Nftables,
            LocalReadiness = board,
        };

        await writer.WriteAsync(Web, CancellationToken.None);
        board.Report("uid-7", IPAddress.Parse("10.244.0.7"), ready: false);
        board.Report("uid-7", IPAddress.Parse("10.244.0.7"), ready: false);
        await writer.WriteAsync(Web, CancellationToken.None);
        board.Report("uid-7", IPAddress.Parse("10.244.0.7"), ready: true);
        await writer.WriteAsync(Web, CancellationToken.None);
        board.Report("uid-3", IPAddress.Parse("10.244.0.3"), ready: false);
        board.Forget("uid-3");

        // The first write is the whole table; the hint and its recovery are changes of it (KernelTableChangesTests).
        Assert.Equal(3, applied.Count);
        Assert.Contains("mod 2 map", applied[0], StringComparison.Ordinal);
        Assert.Contains("mod 1 map { 0 : 10.244.0.3 . 8080 }", applied[1], StringComparison.Ordinal);
        Assert.Contains("mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.7 . 8080 }", applied[2], StringComparison.Ordinal);
        Assert.Equal(StandbyTable.Script("t", Web, ProxyMode.Nftables), writer.Installed);
        Assert.Equal(4, changes);
    }

    [Fact]
    public async Task Relay_mode_ignores_hints_the_relay_applies_itself()
    {
        var board = new LocalPodReadiness();
        board.Report("uid-7", IPAddress.Parse("10.244.0.7"), ready: false);
        var writer = new StandbyTableWriter("t", NullLogger.Instance, (_, _) => Task.FromResult((0, ""))) { LocalReadiness = board };

        await writer.WriteAsync(Web, CancellationToken.None);

        Assert.Equal(StandbyTable.Script("t", Web), writer.Installed);
    }
}
