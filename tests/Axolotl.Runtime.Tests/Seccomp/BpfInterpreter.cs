using Axolotl.Runtime.Seccomp;

namespace Axolotl.Runtime.Tests.Seccomp;

/// <summary>
/// Runs a seccomp program over one system call, as the kernel would: the classic BPF subset the
/// compiler emits, with the kernel's checks (every jump inside the program, the last instruction
/// reached is a return, at most 4096 instructions). Anything else fails the test.
/// </summary>
internal static class BpfInterpreter
{
    public static uint Run(BpfInstruction[] program, uint arch, uint nr, params ulong[] args)
    {
        Assert.InRange(program.Length, 1, 4096);
        Span<byte> data = stackalloc byte[SeccompData.Size];
        BitConverter.TryWriteBytes(data[(int)SeccompData.NumberOffset..], nr);
        BitConverter.TryWriteBytes(data[(int)SeccompData.ArchOffset..], arch);
        for (var i = 0; i < args.Length; i++)
        {
            BitConverter.TryWriteBytes(data[(int)SeccompData.ArgumentOffset((uint)i)..], args[i]);
        }
        uint a = 0;
        var pc = 0;
        for (var steps = 0; steps <= program.Length; steps++)
        {
            Assert.InRange(pc, 0, program.Length - 1);
            var op = program[pc];
            pc++;
            switch (op.Code)
            {
                case BpfInstruction.LoadWordAbsolute:
                    Assert.True(op.K % 4 == 0 && op.K + 4 <= SeccompData.Size, $"load outside seccomp_data: {op.K}");
                    a = BitConverter.ToUInt32(data[(int)op.K..]);
                    break;
                case BpfInstruction.AndConstant:
                    a &= op.K;
                    break;
                case BpfInstruction.JumpAlways:
                    pc += (int)op.K;
                    break;
                case BpfInstruction.JumpEqual:
                    pc += a == op.K ? op.Jt : op.Jf;
                    break;
                case BpfInstruction.JumpGreater:
                    pc += a > op.K ? op.Jt : op.Jf;
                    break;
                case BpfInstruction.JumpGreaterEqual:
                    pc += a >= op.K ? op.Jt : op.Jf;
                    break;
                case BpfInstruction.JumpSet:
                    pc += (a & op.K) != 0 ? op.Jt : op.Jf;
                    break;
                case BpfInstruction.ReturnConstant:
                    return op.K;
                default:
                    Assert.Fail($"opcode 0x{op.Code:x} at {pc - 1} is not one the compiler emits");
                    break;
            }
        }
        Assert.Fail("the program loops (jumps go forward only)");
        return 0;
    }
}
