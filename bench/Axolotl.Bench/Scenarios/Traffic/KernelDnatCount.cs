using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// How many flows the node's nftables-mode table has DNATed: the sum of its rule counters (`axolotl_standby_BRIDGE`; each
/// Service port's chain counts the first packet of each new conntrack entry it sends on, as the nat hook sees no other).
/// Read before and after a round, it tells how many of the round's datagrams were new entries and how many found one left
/// by an earlier datagram from the same source port (the host has ~28,000 ephemeral ports and an entry lives 30 s).
/// </summary>
internal static partial class KernelDnatCount
{
    public static Task<long> ReadAsync(string bridge, CancellationToken ct) => SumAsync("axolotl_standby_" + bridge, ct);

    /// <summary>
    /// The node's per-pod conntrack cap's rejections (`--conntrack-max-per-pod`, the agent's egress table
    /// `axolotl_egress_BRIDGE`: its one counter counts the new flows of a pod past the cap, each answered admin-prohibited).
    /// </summary>
    public static Task<long> PodCapRejectionsAsync(string bridge, CancellationToken ct) => SumAsync("axolotl_egress_" + bridge, ct);

    /// <summary>The sum of the counters of nft table ip <paramref name="table"/>; 0 when the table is not there.</summary>
    private static async Task<long> SumAsync(string table, CancellationToken ct)
    {
        using var nft = Process.Start(new ProcessStartInfo("nft", ["list", "table", "ip", table]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("cannot start nft");
        var text = await nft.StandardOutput.ReadToEndAsync(ct);
        await nft.WaitForExitAsync(ct);
        return Counters().Matches(text).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex Counters();
}
