namespace Axolotl.Runtime.Devices;

/// <summary>
/// The cgroup v2 form of a device allow-list: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE
/// that the kernel runs on every open and mknod of a device node by a task in the cgroup. Its context
/// (struct bpf_cgroup_dev_ctx) is three u32: access_type (type in the low 16 bits, 1 block / 2 char;
/// access in the high 16, 1 mknod / 2 read / 4 write), major, minor. It returns 1 to allow, 0 to deny
/// (EPERM). The program tries the rules in order and allows on the first whose type, numbers and
/// access cover the request; none: deny. A rule that covers everything ends the program.
/// </summary>
public static class DeviceFilterProgram
{
    // Instruction classes, operations and sources (linux/bpf_common.h, linux/bpf.h).
    private const byte LdxMemW = 0x61;   // BPF_LDX | BPF_MEM | BPF_W
    private const byte Alu32AndK = 0x54; // BPF_ALU | BPF_AND | BPF_K
    private const byte Alu32RshK = 0x74; // BPF_ALU | BPF_RSH | BPF_K
    private const byte Alu32MovK = 0xb4; // BPF_ALU | BPF_MOV | BPF_K
    private const byte Alu32MovX = 0xbc; // BPF_ALU | BPF_MOV | BPF_X
    private const byte JneK = 0x55;      // BPF_JMP | BPF_JNE | BPF_K
    private const byte JneX = 0x5d;      // BPF_JMP | BPF_JNE | BPF_X
    private const byte Exit = 0x95;      // BPF_JMP | BPF_EXIT

    // Registers: r1 the context on entry (a scratch register once read), r0 the verdict.
    private const byte R0 = 0, R1 = 1, RType = 2, RAccess = 3, RMajor = 4, RMinor = 5;

    public const int BlockDevice = 1;
    public const int CharDevice = 2;
    public const int AccessMknod = 1;
    public const int AccessRead = 2;
    public const int AccessWrite = 4;

    /// <summary>The program's instructions, each the 8 bytes of a struct bpf_insn as a little-endian ulong.</summary>
    public static IReadOnlyList<ulong> Build(IReadOnlyList<DeviceRule> rules)
    {
        var code = new List<ulong>
        {
            Insn(LdxMemW, RType, R1, 0, 0),
            Insn(Alu32AndK, RType, 0, 0, 0xffff),
            Insn(LdxMemW, RAccess, R1, 0, 0),
            Insn(Alu32RshK, RAccess, 0, 0, 16),
            Insn(LdxMemW, RMajor, R1, 4, 0),
            Insn(LdxMemW, RMinor, R1, 8, 0),
        };
        foreach (var rule in rules)
        {
            // Each test jumps past this rule's block when it does not match: to its end, known once built.
            var block = new List<(byte Op, byte Dst, byte Src, int Imm, bool Skip)>();
            if (rule.Type != 'a')
            {
                block.Add((JneK, RType, 0, rule.Type == 'b' ? BlockDevice : CharDevice, true));
            }

            var mask = AccessMask(rule.Access);
            if (mask != (AccessMknod | AccessRead | AccessWrite))
            {
                // Asked access must lie within the rule's: (asked & mask) == asked.
                block.Add((Alu32MovX, R1, RAccess, 0, false));
                block.Add((Alu32AndK, R1, 0, mask, false));
                block.Add((JneX, R1, RAccess, 0, true));
            }

            if (rule.Major is { } major)
            {
                block.Add((JneK, RMajor, 0, checked((int)major), true));
            }

            if (rule.Minor is { } minor)
            {
                block.Add((JneK, RMinor, 0, checked((int)minor), true));
            }

            var unconditional = block.Count == 0;
            block.Add((Alu32MovK, R0, 0, 1, false));
            block.Add((Exit, 0, 0, 0, false));
            for (var i = 0; i < block.Count; i++)
            {
                var (op, dst, src, imm, skip) = block[i];
                // A jump's offset counts from the next instruction; past the block is block.Count.
                var offset = skip ? (short)(block.Count - i - 1) : (short)0;
                code.Add(Insn(op, dst, src, offset, imm));
            }

            if (unconditional)
            {
                // Nothing after an allow of everything can run, and the verifier refuses unreachable code.
                return code;
            }
        }

        code.Add(Insn(Alu32MovK, R0, 0, 0, 0));
        code.Add(Insn(Exit, 0, 0, 0, 0));
        return code;
    }

    /// <summary>The program as the kernel takes it: the instructions' bytes, in order.</summary>
    public static byte[] Bytes(IReadOnlyList<ulong> instructions)
    {
        var bytes = new byte[instructions.Count * 8];
        for (var i = 0; i < instructions.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), instructions[i]);
        }

        return bytes;
    }

    public static int AccessMask(string access) =>
        (access.Contains('m', StringComparison.Ordinal) ? AccessMknod : 0)
        | (access.Contains('r', StringComparison.Ordinal) ? AccessRead : 0)
        | (access.Contains('w', StringComparison.Ordinal) ? AccessWrite : 0);

    /// <summary>struct bpf_insn: u8 code, u8 dst_reg:4 src_reg:4, s16 off, s32 imm.</summary>
    internal static ulong Insn(byte code, byte dst, byte src, short offset, int imm) =>
        code | ((ulong)(byte)((src << 4) | dst) << 8) | ((ulong)(ushort)offset << 16) | ((ulong)(uint)imm << 32);
}
