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
    public static async Task<long> ReadAsync(string bridge, CancellationToken ct)
    {
        using var nft = Process.Start(new ProcessStartInfo("nft", ["list", "table", "ip", "axolotl_standby_" + bridge]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("cannot start nft");
        var text = await nft.StandardOutput.ReadToEndAsync(ct);
        await nft.WaitForExitAsync(ct);
        return Counters().Matches(text).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex Counters();
}
