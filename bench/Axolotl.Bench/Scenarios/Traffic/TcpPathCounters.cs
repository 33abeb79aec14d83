using System.Globalization;
using System.Runtime.InteropServices;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// Where a TCP connection through the service path is lost or delayed, read before and after a round: the host's
/// conntrack table (`insert_failed`: a new entry whose tuple was already taken, its packet dropped — a SYN then waits
/// a second for its retransmission; `drop`, `invalid`), the host's TcpExt `TCPSynRetrans` (the clients' SYNs sent again
/// when they run on the node), and the pods' TcpExt read in their network namespaces (`ListenOverflows`/`ListenDrops`:
/// the accept queue full; `TCPTimeWaitOverflow`: no room for another TIME_WAIT; `PAWSTimewait`: a SYN refused by a
/// TIME_WAIT socket's timestamp check).
/// </summary>
internal sealed partial record TcpPathCounters(HostUdpCounters Host, long SynRetrans, long ListenOverflows, long ListenDrops, long TimeWaitOverflow, long PawsTimewait)
{
    private const int CloneNewNet = 0x40000000;

    /// <param name="podNetns">The pods' network namespaces under /run/netns (names only); a missing one counts zero.</param>
    public static TcpPathCounters Read(IReadOnlyList<string> podNetns)
    {
        var host = TcpExt(File.Exists("/proc/net/netstat") ? File.ReadAllLines("/proc/net/netstat") : []);
        long overflows = 0, drops = 0, twOverflow = 0, paws = 0;
        foreach (var netns in podNetns)
        {
            var pod = TcpExt(ReadInNamespace(Path.Combine("/run/netns", netns), "/proc/thread-self/net/netstat"));
            overflows += pod.GetValueOrDefault("ListenOverflows");
            drops += pod.GetValueOrDefault("ListenDrops");
            twOverflow += pod.GetValueOrDefault("TCPTimeWaitOverflow");
            paws += pod.GetValueOrDefault("PAWSTimewait");
        }
        return new TcpPathCounters(HostUdpCounters.Read(), host.GetValueOrDefault("TCPSynRetrans"), overflows, drops, twOverflow, paws);
    }

    public TcpPathCounters Since(TcpPathCounters before) => new(Host.Since(before.Host), SynRetrans - before.SynRetrans,
        ListenOverflows - before.ListenOverflows, ListenDrops - before.ListenDrops, TimeWaitOverflow - before.TimeWaitOverflow, PawsTimewait - before.PawsTimewait);

    public TcpPathCounters Plus(TcpPathCounters? other) => other is null ? this : new(Host.Plus(other.Host), SynRetrans + other.SynRetrans,
        ListenOverflows + other.ListenOverflows, ListenDrops + other.ListenDrops, TimeWaitOverflow + other.TimeWaitOverflow, PawsTimewait + other.PawsTimewait);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"host conntrack insert_failed {Host.InsertFailed}, drop {Host.Drop}, invalid {Host.Invalid}; host SYNs retransmitted {SynRetrans}; pods: listen overflows {ListenOverflows}, listen drops {ListenDrops}, TIME_WAIT overflows {TimeWaitOverflow}, SYNs refused by a TIME_WAIT (PAWS) {PawsTimewait}");

    /// <summary>The TcpExt pairs of a netstat file (a header line of names, then a line of values).</summary>
    private static Dictionary<string, long> TcpExt(string[] lines)
    {
        var rows = lines.Where(l => l.StartsWith("TcpExt:", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]).ToList();
        return rows.Count < 2 ? [] : rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => long.Parse(p.Second, CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    /// <summary>Reads <paramref name="file"/> from a thread of its own inside <paramref name="netnsPath"/> (setns moves only that thread; it ends after).</summary>
    private static string[] ReadInNamespace(string netnsPath, string file)
    {
        if (!File.Exists(netnsPath))
        {
            return [];
        }
        string[] lines = [];
        var thread = new Thread(() =>
        {
            using var ns = File.OpenHandle(netnsPath);
            if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) == 0)
            {
                lines = File.ReadAllLines(file);
            }
        }) { IsBackground = true, Name = "netstat in " + Path.GetFileName(netnsPath) };
        thread.Start();
        thread.Join();
        return lines;
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
