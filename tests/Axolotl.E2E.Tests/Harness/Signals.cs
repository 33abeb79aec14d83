using System.Runtime.InteropServices;

namespace Axolotl.E2E.Tests.Harness;

public static partial class Signals
{
    private const int SIGTERM = 15;

    public static void Terminate(int pid)
    {
        if (Kill(pid, SIGTERM) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
