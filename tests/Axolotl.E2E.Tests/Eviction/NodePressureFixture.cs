using System.Globalization;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Eviction;

/// <summary>
/// A server whose node has 600Mi for pods, honestly: --system-reserved holds back all of the
/// machine's memory but 600Mi, so the pods cgroup is limited to 600Mi and allocatable is 500Mi
/// (the hard threshold memory.available&lt;100Mi taken off), and the tests never need more than that.
/// Signals are polled only every 20 s, so an eviction in time before the 600Mi OOM kill comes from the
/// kernel's threshold notification; pressure clears 15 s after the last time it was seen.
/// </summary>
public sealed class NodePressureFixture : ServerFixture
{
    public const long PodsMebibytes = 600;

    protected override IReadOnlyList<string> ServerArgs =>
    [
        "--system-reserved", $"memory={MemTotalKibibytes() - PodsMebibytes * 1024}Ki",
        "--eviction-monitoring-interval", "20s",
        "--eviction-pressure-transition-period", "15s",
    ];

    private static long MemTotalKibibytes()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
