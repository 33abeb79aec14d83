using System.Runtime.InteropServices;

namespace Axolotl.Hosting.Memory;

/// <summary>glibc's malloc_trim: hands the free tops and pages of every arena back to the kernel.</summary>
internal static class NativeHeap
{
    private static bool _unavailable;

    public static void Trim()
    {
        if (_unavailable || !OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            // 1 when it gave memory back, 0 when there was none to give: either is fine.
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): the managed half of the reclaim still happened.
            _unavailable = true;
        }
    }

    // Blittable: DllImport needs no marshalling stub, and this project stays free of unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
