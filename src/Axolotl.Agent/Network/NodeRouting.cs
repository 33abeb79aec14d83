using System.Globalization;
using Axolotl.Hosting.HostTools;
using Axolotl.Runtime.Network;

namespace Axolotl.Agent.Network;

/// <summary>
/// Pod traffic between nodes. Each node's pods sit behind its bridge, so on one machine every other
/// node's pod CIDR is already a connected route via that node's bridge; what is missing is
/// forwarding, switched on for the bridge (net.ipv4.conf.BRIDGE.forwarding, checked on the input
/// interface). A policy rule sends traffic from the bridge to the cluster CIDR through the main table.
/// Until issue 32 a second rule (<see cref="RefusePreference"/>) refused everything else, so pods
/// could not leave the cluster; pods now reach the outside masqueraded (<see cref="NodeEgress"/>), and
/// a start removes that rule where an older version left it. Traffic to the host's own addresses
/// (service IPs, node ports) matches the local table first and is unaffected.
/// </summary>
public static class NodeRouting
{
    /// <summary>Rule priorities: after the local table (0), before main (32766); the refusal is only removed now.</summary>
    public const int AllowPreference = 32100;

    public const int RefusePreference = 32101;

    public static async Task EnsureAsync(string bridge, string clusterCidr, CancellationToken ct)
    {
        // Rules of nodes whose bridge is gone (a killed agent, a deleted test node) are pruned here,
        // then this bridge's are replaced rather than added, so repeated starts leave one pair.
        var stale = DetachedRuleCommands(await ShowRulesAsync(ct));
        await IpCommand.BatchAsync([.. stale, .. RuleCommands("del", bridge, clusterCidr), LegacyRefusal("del", bridge)], null, force: true, ct);
        await IpCommand.BatchAsync(RuleCommands("add", bridge, clusterCidr), null, force: false, ct);
        await File.WriteAllTextAsync($"/proc/sys/net/ipv4/conf/{bridge}/forwarding", "1", ct);
    }

    /// <summary>Removes the bridge's rules (the forwarding switch goes with the bridge); idempotent.</summary>
    public static Task TeardownAsync(string bridge, string clusterCidr, CancellationToken ct) =>
        IpCommand.BatchAsync([.. RuleCommands("del", bridge, clusterCidr), LegacyRefusal("del", bridge)], null, force: true, ct);

    public static IReadOnlyList<string> RuleCommands(string verb, string bridge, string clusterCidr) =>
    [
        $"rule {verb} pref {AllowPreference.ToString(CultureInfo.InvariantCulture)} iif {bridge} to {clusterCidr} lookup main",
    ];

    /// <summary>The rule that kept pods inside the cluster before egress (older versions added it).</summary>
    public static string LegacyRefusal(string verb, string bridge) =>
        $"rule {verb} pref {RefusePreference.ToString(CultureInfo.InvariantCulture)} iif {bridge} prohibit";

    /// <summary>Deletions for our rules (by preference) whose input interface no longer exists ("[detached]").</summary>
    public static IReadOnlyList<string> DetachedRuleCommands(string ruleListing) =>
    [
        .. ruleListing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length > 3 && words.Contains("[detached]") &&
                words[0].TrimEnd(':') is var pref && (pref == AllowPreference.ToString(CultureInfo.InvariantCulture) || pref == RefusePreference.ToString(CultureInfo.InvariantCulture)))
            .Select(words => (Pref: words[0].TrimEnd(':'), Iif: words[Array.IndexOf(words, "iif") + 1]))
            .Where(rule => rule.Iif != "[detached]" && !IpCommand.LinkExists(rule.Iif))
            .Select(rule => $"rule del pref {rule.Pref} iif {rule.Iif}"),
    ];

    private static async Task<string> ShowRulesAsync(CancellationToken ct)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("rule");
        psi.ArgumentList.Add("show");
        using var process = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("cannot start ip");
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return output;
    }
}
