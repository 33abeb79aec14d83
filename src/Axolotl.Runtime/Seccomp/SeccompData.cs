namespace Axolotl.Runtime.Seccomp;

/// <summary>Offsets in struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; } (little-endian).</summary>
public static class SeccompData
{
    public const uint NumberOffset = 0;
    public const uint ArchOffset = 4;
    public const uint InstructionPointerOffset = 8;
    public const int Size = 64;

    /// <summary>The low word of args[index]; the high word follows it.</summary>
    public static uint ArgumentOffset(uint index) => 16 + (8 * index);
}
