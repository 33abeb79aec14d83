using System.Runtime.InteropServices;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// CPU time used by this process's terminated and reaped children (getrusage RUSAGE_CHILDREN). The
/// difference across one kubectl run is that kubectl's own CPU, as long as no other child exits meanwhile.
/// </summary>
internal static partial class ChildCpu
{
    private const int RusageChildren = -1;

    public static unsafe double Milliseconds()
    {
        // struct rusage on 64-bit Linux: ru_utime and ru_stime (timeval: seconds, microseconds), then 14 longs.
        var usage = stackalloc long[18];
        if (GetRusage(RusageChildren, usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return (usage[0] + usage[2]) * 1000.0 + (usage[1] + usage[3]) / 1000.0;
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static unsafe partial int GetRusage(int who, long* usage);
}
