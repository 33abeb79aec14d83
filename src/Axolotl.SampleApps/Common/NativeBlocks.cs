using System.Buffers;
using System.Runtime.InteropServices;

namespace Axolotl.SampleApps.Common;

/// <summary>
/// Resident native memory for apps that must end in a kernel OOM kill under a cgroup limit rather
/// than a managed OutOfMemoryException (the GC's heap limit is 75 % of the cgroup limit, native
/// memory is outside it). Every page is written as it is allocated so it counts at once.
/// </summary>
public static unsafe class NativeBlocks
{
    public const int PageSize = 4096;

    /// <summary>Allocates and touches <paramref name="bytes"/>; free with <see cref="Free"/>.</summary>
    public static nint AllocTouched(nuint bytes)
    {
        var p = (byte*)NativeMemory.Alloc(bytes);
        for (nuint offset = 0; offset < bytes; offset += PageSize)
        {
            p[offset] = 1;
        }

        if (bytes > 0)
        {
            p[bytes - 1] = 1;
        }

        return (nint)p;
    }

    public static void Free(nint address) => NativeMemory.Free((void*)address);

    public static Span<byte> Span(nint address, int length) => new((void*)address, length);

    /// <summary>The block as Memory&lt;byte&gt;, so async streams can read straight into it.</summary>
    public static Memory<byte> Memory(nint address, int length) => new Manager(address, length).Memory;

    private sealed class Manager(nint address, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new((void*)address, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)address + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
