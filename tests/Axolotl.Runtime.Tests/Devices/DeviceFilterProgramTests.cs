using Axolotl.Runtime.Devices;

namespace Axolotl.Runtime.Tests.Devices;

/// <summary>
/// The cgroup v2 device program: run in a small interpreter of the instructions it uses, it decides
/// exactly as the rules do for every device and access of interest; and its instructions are the
/// expected ones for one rule.
/// </summary>
public sealed class DeviceFilterProgramTests
{
    private static readonly IReadOnlyList<DeviceRule> Mixed =
    [
        new('a', 4, null, "r"),
        new('b', 7, 3, "rw"),
        new('c', null, 9, "w"),
    ];

    public static TheoryData<string> Lists => new() { "default", "all", "mixed", "none", "all-then-default" };

    private static IReadOnlyList<DeviceRule> List(string name) => name switch
    {
        "default" => DeviceRules.Default,
        "all" => DeviceRules.AllowAll,
        "mixed" => Mixed,
        "all-then-default" => [.. DeviceRules.AllowAll, .. DeviceRules.Default],
        _ => [],
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void The_program_decides_as_the_rules_for_every_request(string list)
    {
        var rules = List(list);
        var program = DeviceFilterProgram.Build(rules);
        string[] accesses = ["m", "r", "w", "rw", "rm", "wm", "rwm"];
        long[] numbers = [0, 1, 2, 3, 4, 5, 7, 8, 9, 136, 200, 255, 4095];
        foreach (var type in new[] { 'b', 'c' })
        {
            foreach (var major in numbers)
            {
                foreach (var minor in numbers)
                {
                    foreach (var access in accesses)
                    {
                        var expected = DeviceRules.Allows(rules, type, major, minor, access);
                        Assert.True(expected == Run(program, type, major, minor, access), $"{list}: {type} {major}:{minor} {access} should be {(expected ? "allowed" : "denied")}");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void Every_instruction_is_reachable_and_every_jump_lands_inside_as_the_verifier_demands(string list)
    {
        var program = DeviceFilterProgram.Build(List(list));
        var reached = new HashSet<int>();
        var pending = new Stack<int>([0]);
        while (pending.TryPop(out var pc))
        {
            Assert.InRange(pc, 0, program.Count - 1);
            if (!reached.Add(pc))
            {
                continue;
            }

            var code = (byte)program[pc];
            if (code == 0x95)
            {
                continue;
            }

            pending.Push(pc + 1);
            if (code is 0x55 or 0x5d)
            {
                pending.Push(pc + 1 + (short)(program[pc] >> 16));
            }
        }

        Assert.Equal(program.Count, reached.Count);
    }

    [Fact]
    public void One_rule_compiles_to_its_tests_and_an_allow_then_the_final_deny()
    {
        var program = DeviceFilterProgram.Build([new('c', 1, 3, "rw")]);
        ulong[] expected =
        [
            // Context: type, access, major, minor into r2..r5.
            DeviceFilterProgram.Insn(0x61, 2, 1, 0, 0),
            DeviceFilterProgram.Insn(0x54, 2, 0, 0, 0xffff),
            DeviceFilterProgram.Insn(0x61, 3, 1, 0, 0),
            DeviceFilterProgram.Insn(0x74, 3, 0, 0, 16),
            DeviceFilterProgram.Insn(0x61, 4, 1, 4, 0),
            DeviceFilterProgram.Insn(0x61, 5, 1, 8, 0),
            // Char device, access within rw, 1:3 → allow; each miss jumps to the final deny.
            DeviceFilterProgram.Insn(0x55, 2, 0, 7, DeviceFilterProgram.CharDevice),
            DeviceFilterProgram.Insn(0xbc, 1, 3, 0, 0),
            DeviceFilterProgram.Insn(0x54, 1, 0, 0, DeviceFilterProgram.AccessRead | DeviceFilterProgram.AccessWrite),
            DeviceFilterProgram.Insn(0x5d, 1, 3, 4, 0),
            DeviceFilterProgram.Insn(0x55, 4, 0, 3, 1),
            DeviceFilterProgram.Insn(0x55, 5, 0, 2, 3),
            DeviceFilterProgram.Insn(0xb4, 0, 0, 0, 1),
            DeviceFilterProgram.Insn(0x95, 0, 0, 0, 0),
            DeviceFilterProgram.Insn(0xb4, 0, 0, 0, 0),
            DeviceFilterProgram.Insn(0x95, 0, 0, 0, 0),
        ];
        Assert.Equal(expected, program);
    }

    [Fact]
    public void Allowing_everything_is_a_single_unconditional_allow()
    {
        // The kernel's verifier refuses a program with code no path reaches (the deny after it, any rule after it).
        var program = DeviceFilterProgram.Build([.. DeviceRules.AllowAll, .. DeviceRules.Default]);
        Assert.Equal(6 + 2, program.Count);
        Assert.Equal(DeviceFilterProgram.Insn(0xb4, 0, 0, 0, 1), program[6]);
        Assert.Equal(DeviceFilterProgram.Insn(0x95, 0, 0, 0, 0), program[7]);
    }

    [Fact]
    public void Bytes_lay_out_struct_bpf_insn_little_endian()
    {
        var bytes = DeviceFilterProgram.Bytes([DeviceFilterProgram.Insn(0x5d, 1, 3, -2, 0x01020304)]);
        Assert.Equal(new byte[] { 0x5d, 0x31, 0xfe, 0xff, 0x04, 0x03, 0x02, 0x01 }, bytes);
    }

    /// <summary>Interprets the program for one request (struct bpf_cgroup_dev_ctx) over the opcodes the builder emits.</summary>
    private static bool Run(IReadOnlyList<ulong> program, char type, long major, long minor, string access)
    {
        var ctx = new uint[]
        {
            (uint)(DeviceFilterProgram.AccessMask(access) << 16 | (type == 'b' ? DeviceFilterProgram.BlockDevice : DeviceFilterProgram.CharDevice)),
            (uint)major,
            (uint)minor,
        };
        var r = new ulong[11];
        var pc = 0;
        for (var steps = 0; steps < 10_000; steps++)
        {
            var insn = program[pc];
            var code = (byte)insn;
            var dst = (int)(insn >> 8) & 0xf;
            var src = (int)(insn >> 12) & 0xf;
            var off = (short)(insn >> 16);
            var imm = (int)(insn >> 32);
            pc++;
            switch (code)
            {
                case 0x61:
                    Assert.Equal(1, src); // only the context is read
                    r[dst] = ctx[off / 4];
                    break;
                case 0x54:
                    r[dst] = (uint)r[dst] & (uint)imm;
                    break;
                case 0x74:
                    r[dst] = (uint)r[dst] >> imm;
                    break;
                case 0xb4:
                    r[dst] = (uint)imm;
                    break;
                case 0xbc:
                    r[dst] = (uint)r[src];
                    break;
                case 0x55:
                    pc += r[dst] != (ulong)(long)imm ? off : 0;
                    break;
                case 0x5d:
                    pc += r[dst] != r[src] ? off : 0;
                    break;
                case 0x95:
                    return r[0] == 1;
                default:
                    throw new InvalidOperationException($"opcode 0x{code:x2}");
            }
        }

        throw new InvalidOperationException("no exit");
    }
}
