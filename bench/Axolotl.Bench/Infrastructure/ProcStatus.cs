using System.Globalization;
using System.Runtime.InteropServices;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// Figures of a live process from /proc: memory in megabytes (1 MB = 1024 kB, as `ps` and `top`
/// count) and CPU time, which unlike wall time barely moves when other work shares the machine.
/// </summary>
internal static partial class ProcStatus
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK

    private static readonly double MillisecondsPerTick = 1000.0 / Math.Max(1, SysConf(ScClockTicks));

    /// <summary>Resident set size now.</summary>
    public static double RssMegabytes(int pid) => Read(pid, "VmRSS");

    /// <summary>Peak resident set size since the process started.</summary>
    public static double PeakRssMegabytes(int pid) => Read(pid, "VmHWM");

    /// <summary>User plus system CPU time the process has used so far (clock-tick resolution, usually 10 ms).</summary>
    public static double CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        return (utime + stime) * MillisecondsPerTick;
    }

    /// <summary>The 1-, 5- and 15-minute load averages, as /proc/loadavg prints them.</summary>
    public static string LoadAverage()
    {
        var parts = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ') : [];
        return parts.Length >= 3 ? string.Join(' ', parts[..3]) : "unknown";
    }

    /// <summary>The 1-minute load average, or 0 when unknown.</summary>
    public static double LoadAverageOneMinute() =>
        double.TryParse(LoadAverage().Split(' ')[0], CultureInfo.InvariantCulture, out var load) ? load : 0;

    private static double Read(int pid, string key)
    {
        var kb = MachineInfo.ParseKilobytes(MachineInfo.ProcLine($"/proc/{pid}/status", key))
            ?? throw new InvalidOperationException($"/proc/{pid}/status has no {key} (has the process exited?)");
        return kb / 1024.0;
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
