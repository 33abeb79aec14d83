using System.Globalization;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// Where the host's kernel counts a lost UDP datagram: the conntrack table (`nf_conntrack_count` of `nf_conntrack_max`,
/// and from /proc/net/stat/nf_conntrack `drop`: table full and nothing evictable, `early_drop`: an unreplied entry evicted
/// to make room, `insert_failed`: a race lost at insertion, `clashres`: a clash resolved, `invalid`: a packet conntrack could not track), and the host's UDP sockets (/proc/net/snmp `RcvbufErrors`: a
/// socket's receive buffer full, as a stalled relay's frontend; `NoPorts`: no socket on the port). Host-wide: the pods'
/// own sockets count in their namespaces. Zero or null where the host has no conntrack.
/// </summary>
internal sealed record HostUdpCounters(long? Entries, long? Max, long Drop, long EarlyDrop, long InsertFailed, long RcvbufErrors, long NoPorts,
    long ClashResolved = 0, long Invalid = 0)
{
    public static HostUdpCounters Read()
    {
        long drop = 0, earlyDrop = 0, insertFailed = 0, clashres = 0, invalid = 0;
        var stat = Table("/proc/net/stat/nf_conntrack", prefix: null);
        foreach (var row in stat)
        {
            // One row a CPU, hexadecimal.
            long Field(string name) => row.TryGetValue(name, out var text) ? long.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0;
            drop += Field("drop");
            earlyDrop += Field("early_drop");
            insertFailed += Field("insert_failed");
            clashres += Field("clashres");
            invalid += Field("invalid");
        }
        var udp = Table("/proc/net/snmp", prefix: "Udp:").FirstOrDefault() ?? [];
        long Udp(string name) => udp.TryGetValue(name, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : 0;
        return new HostUdpCounters(Sysctl("nf_conntrack_count"), Sysctl("nf_conntrack_max"), drop, earlyDrop, insertFailed, Udp("RcvbufErrors"), Udp("NoPorts"), clashres, invalid);
    }

    /// <summary>What happened between <paramref name="before"/> and this reading (entries and max are this reading's).</summary>
    public HostUdpCounters Since(HostUdpCounters before) => this with
    {
        Drop = Drop - before.Drop,
        EarlyDrop = EarlyDrop - before.EarlyDrop,
        InsertFailed = InsertFailed - before.InsertFailed,
        RcvbufErrors = RcvbufErrors - before.RcvbufErrors,
        NoPorts = NoPorts - before.NoPorts,
        ClashResolved = ClashResolved - before.ClashResolved,
        Invalid = Invalid - before.Invalid,
    };

    /// <summary>Sums two periods' counts; entries are the larger of the two readings.</summary>
    public HostUdpCounters Plus(HostUdpCounters? other) => other is null ? this : this with
    {
        Entries = Math.Max(Entries ?? 0, other.Entries ?? 0),
        Drop = Drop + other.Drop,
        EarlyDrop = EarlyDrop + other.EarlyDrop,
        InsertFailed = InsertFailed + other.InsertFailed,
        RcvbufErrors = RcvbufErrors + other.RcvbufErrors,
        NoPorts = NoPorts + other.NoPorts,
        ClashResolved = ClashResolved + other.ClashResolved,
        Invalid = Invalid + other.Invalid,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"conntrack {Entries?.ToString(CultureInfo.InvariantCulture) ?? "?"} entries of {Max?.ToString(CultureInfo.InvariantCulture) ?? "?"}, drop {Drop}, early_drop {EarlyDrop}, insert_failed {InsertFailed}, clashres {ClashResolved}, invalid {Invalid}; UDP RcvbufErrors {RcvbufErrors}, NoPorts {NoPorts}");

    /// <summary>A /proc table whose first line (of those starting with <paramref name="prefix"/>) names the columns: each further row by column.</summary>
    private static List<Dictionary<string, string>> Table(string path, string? prefix)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        var lines = File.ReadAllLines(path).Where(l => prefix is null || l.StartsWith(prefix, StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(prefix is null ? 0 : 1).ToArray()).ToList();
        return lines.Count == 0 ? [] : [.. lines.Skip(1).Select(row => lines[0].Zip(row).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal))];
    }

    private static long? Sysctl(string name)
    {
        var path = "/proc/sys/net/netfilter/" + name;
        return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
