using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Axolotl.Runtime;

/// <summary>
/// Starts a process at another nice value. Linux keeps the nice value per thread and a forked child
/// inherits its thread's: setting it on the calling thread around <see cref="Process.Start()"/> (which
/// forks on that thread) gives the child, and all it execs and forks, the new value, with no window
/// in which the child runs at the old one.
/// </summary>
internal static class ThreadPriority
{
    private const int PrioProcess = 0;

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SysSetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static extern int SysGetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int SysGetTid();

    /// <summary>The calling thread's nice value, or null when it cannot be read.</summary>
    public static int? OfCallingThread()
    {
        Marshal.SetLastPInvokeError(0);
        var nice = SysGetPriority(PrioProcess, SysGetTid());
        return Marshal.GetLastPInvokeError() == 0 ? nice : null;
    }

    /// <summary>Starts <paramref name="psi"/> at <paramref name="nice"/>; if the nice value cannot be set (not root), at the caller's.</summary>
    public static Process? StartAt(ProcessStartInfo psi, int nice)
    {
        var tid = SysGetTid();
        Marshal.SetLastPInvokeError(0);
        var previous = SysGetPriority(PrioProcess, tid);
        var changed = Marshal.GetLastPInvokeError() == 0 && previous != nice && SysSetPriority(PrioProcess, tid, nice) == 0;
        try
        {
            return Process.Start(psi);
        }
        finally
        {
            // A pool thread must not keep the boost; raising one's own nice value back is always allowed.
            if (changed)
            {
                var restored = SysSetPriority(PrioProcess, tid, previous);
                Debug.Assert(restored == 0, "a thread can always lower its own priority");
            }
        }
    }
}
