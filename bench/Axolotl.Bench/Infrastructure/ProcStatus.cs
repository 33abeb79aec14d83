using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Infrastructure;

/// <summary>Memory figures of a live process from /proc/PID/status, in megabytes (1 MB = 1024 kB, as `ps` and `top` count).</summary>
internal static class ProcStatus
{
    /// <summary>Resident set size now.</summary>
    public static double RssMegabytes(int pid) => Read(pid, "VmRSS");

    /// <summary>Peak resident set size since the process started.</summary>
    public static double PeakRssMegabytes(int pid) => Read(pid, "VmHWM");

    private static double Read(int pid, string key)
    {
        var kb = MachineInfo.ParseKilobytes(MachineInfo.ProcLine($"/proc/{pid}/status", key))
            ?? throw new InvalidOperationException($"/proc/{pid}/status has no {key} (has the process exited?)");
        return kb / 1024.0;
    }
}
