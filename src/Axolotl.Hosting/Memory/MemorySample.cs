namespace Axolotl.Hosting.Memory;

/// <summary>What the reclaimer looks at: bytes allocated since start (the load) and resident memory (the cost).</summary>
internal readonly record struct MemorySample(long AllocatedBytes, long ResidentBytes)
{
    public static MemorySample Take() => new(GC.GetTotalAllocatedBytes(precise: false), ResidentMemory.Bytes());
}
