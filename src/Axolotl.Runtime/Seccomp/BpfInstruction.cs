using System.Buffers.Binary;

namespace Axolotl.Runtime.Seccomp;

/// <summary>One classic BPF instruction (struct sock_filter: u16 code, u8 jt, u8 jf, u32 k).</summary>
public readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K)
{
    public const int Size = 8;

    // Opcodes the compiler emits (linux/bpf_common.h), and the only ones the test interpreter runs.
    public const ushort LoadWordAbsolute = 0x20; // BPF_LD | BPF_W | BPF_ABS
    public const ushort AndConstant = 0x54;      // BPF_ALU | BPF_AND | BPF_K
    public const ushort JumpAlways = 0x05;       // BPF_JMP | BPF_JA
    public const ushort JumpEqual = 0x15;        // BPF_JMP | BPF_JEQ | BPF_K
    public const ushort JumpGreater = 0x25;      // BPF_JMP | BPF_JGT | BPF_K
    public const ushort JumpGreaterEqual = 0x35; // BPF_JMP | BPF_JGE | BPF_K
    public const ushort JumpSet = 0x45;          // BPF_JMP | BPF_JSET | BPF_K
    public const ushort ReturnConstant = 0x06;   // BPF_RET | BPF_K

    /// <summary>The program as the kernel takes it (host byte order, little-endian here).</summary>
    public static byte[] ToBytes(IReadOnlyList<BpfInstruction> program)
    {
        var bytes = new byte[program.Count * Size];
        for (var i = 0; i < program.Count; i++)
        {
            var span = bytes.AsSpan(i * Size, Size);
            BinaryPrimitives.WriteUInt16LittleEndian(span, program[i].Code);
            span[2] = program[i].Jt;
            span[3] = program[i].Jf;
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], program[i].K);
        }
        return bytes;
    }

    public static BpfInstruction[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Size != 0)
        {
            throw new InvalidDataException($"a BPF program is a whole number of {Size}-byte instructions, not {bytes.Length} bytes");
        }
        var program = new BpfInstruction[bytes.Length / Size];
        for (var i = 0; i < program.Length; i++)
        {
            var span = bytes.Slice(i * Size, Size);
            program[i] = new BpfInstruction(BinaryPrimitives.ReadUInt16LittleEndian(span), span[2], span[3], BinaryPrimitives.ReadUInt32LittleEndian(span[4..]));
        }
        return program;
    }
}
