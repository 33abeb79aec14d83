namespace Axolotl.Hosting.Memory;

/// <summary>
/// What the reclaimer looks at: bytes allocated since start (the load), resident memory (the cost) and, of
/// that, the native heap's share (anonymous resident memory the GC has not committed: glibc's arenas, which
/// TLS and SQLite grow and which keep what they free until trimmed).
/// </summary>
internal readonly record struct MemorySample(long AllocatedBytes, long ResidentBytes, long NativeBytes = 0)
{
    public static MemorySample Take()
    {
        var (resident, anonymous) = ResidentMemory.Read();
        var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
        return new(GC.GetTotalAllocatedBytes(precise: false), resident, Math.Max(0, anonymous - committed));
    }
}
