using System.Runtime.InteropServices;

namespace Axolotl.Runtime.Tests;

internal static class Native
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int sig);

    public static bool Kill(int pid, int signal) => SysKill(pid, signal) == 0;
}
