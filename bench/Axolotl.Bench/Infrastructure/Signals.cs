using System.Runtime.InteropServices;

namespace Axolotl.Bench.Infrastructure;

/// <summary>SIGTERM by PID (Process.Kill only sends SIGKILL, which would skip the server's clean shutdown).</summary>
internal static partial class Signals
{
    private const int SIGTERM = 15;

    public static bool Terminate(int pid) => Kill(pid, SIGTERM) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
