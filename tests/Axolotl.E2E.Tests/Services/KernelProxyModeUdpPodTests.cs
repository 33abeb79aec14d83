using Axolotl.E2E.Tests.Harness;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;
using static Axolotl.E2E.Tests.Services.UdpPodKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// UDP Services reached from a pod's network namespace in `--proxy-mode nftables`: the datagrams come in from the pod
/// bridge (the prerouting hook's map, not the output hook's the host's own clients go through), each from a fresh socket,
/// so each is a new conntrack entry and a new DNAT decision.
/// </summary>
public sealed partial class KernelProxyModeTests
{
    [Fact]
    public async Task A_pod_reaches_udp_cluster_ips_through_the_kernel_spread_without_affinity_and_on_one_pod_with_client_ip_affinity()
    {
        var ns = await fx.NewNamespaceAsync("kernel-udp-pod");
        await ApplyAsync(fx, EchoPods(ns, "echo", "echo-a", "echo-b", "echo-c") + UdpService(ns, "spread", "echo", 53) + UdpService(ns, "sticky", "echo", 54, affinity: true));
        await UntilReadyAsync(fx, ns, "echo-a", "echo-b", "echo-c");
        var spread = await JsonPathAsync(fx, ns, "service/spread", "{.spec.clusterIP}");
        var sticky = await JsonPathAsync(fx, ns, "service/sticky", "{.spec.clusterIP}");
        var table = $"axolotl_standby_{fx.Server.Bridge}";
        await Eventually.UntilAsync(() => NftAsync(table), t => MapElements(t, "udp_frontends") is var pods && pods.Contains($"{spread} . 53", StringComparison.Ordinal)
            && pods.Contains($"{sticky} . 54", StringComparison.Ordinal) && t.Contains("set aff_", StringComparison.Ordinal), "both UDP cluster IPs in the pods' map of the kernel table", Slow);
        // The kernel's alone: the relay binds neither.
        await Eventually.UntilAsync(() => UdpListenersAsync(), l => !l.Contains($"{spread}:53", StringComparison.Ordinal) && !l.Contains($"{sticky}:54", StringComparison.Ordinal),
            "the relay not listening on the UDP cluster IPs", Slow);
        await StartClientPodAsync(fx, ns);
        var clientIp = await JsonPathAsync(fx, ns, "pod/client", "{.status.podIP}");

        // Nine flows at random over three pods: all on one with probability 1 in 6561.
        var before = Counted(await NftAsync(table));
        var answers = await Eventually.UntilAsync(() => AskFromPodAsync(fx, ns, spread, 53, 9), a => a.Count == 9, "nine UDP flows from the pod answered", Slow);
        Assert.All(answers, a => Assert.Equal($"{spread}:53", a.From));
        Assert.True(answers.Select(a => a.Pod).Distinct().Count() > 1, $"nine flows without affinity all answered by {answers[0].Pod}");
        Assert.True(Counted(await NftAsync(table)) - before >= 9, "the kernel rules counted fewer than the nine flows");
        Assert.DoesNotContain($"{spread}:53", await UdpListenersAsync(), StringComparison.Ordinal);

        // With ClientIP affinity the pod's first flow picks, the others follow it: the pod's address is in that endpoint's set.
        var stuck = await Eventually.UntilAsync(() => AskFromPodAsync(fx, ns, sticky, 54, 9), a => a.Count == 9, "nine UDP flows to the sticky Service answered", Slow);
        Assert.All(stuck, a => Assert.Equal($"{sticky}:54", a.From));
        Assert.True(stuck.Select(a => a.Pod).Distinct().Count() == 1, $"nine flows with affinity answered by {string.Join(", ", stuck.Select(a => a.Pod).Distinct())}");
        Assert.True(InAffinitySet(await NftAsync(table), clientIp), $"the client pod {clientIp} in no affinity set");
    }

    /// <summary>The elements of the table's map <paramref name="name"/>, as `nft list table` prints it.</summary>
    private static string MapElements(string table, string name)
    {
        var start = table.IndexOf($"map {name} ", StringComparison.Ordinal);
        return start < 0 ? "" : table[start..table.IndexOf('}', start)];
    }

    /// <summary>Whether <paramref name="client"/> is an element of one of the table's affinity sets.</summary>
    private static bool InAffinitySet(string table, string client) =>
        System.Text.RegularExpressions.Regex.IsMatch(table, $@"set aff_\w+ \{{[^}}]*elements = \{{[^}}]*\b{System.Text.RegularExpressions.Regex.Escape(client)}\b");
}
