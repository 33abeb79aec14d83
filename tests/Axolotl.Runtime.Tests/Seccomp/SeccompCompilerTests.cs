using Axolotl.Runtime.Seccomp;
using Axolotl.Runtime.Security;

namespace Axolotl.Runtime.Tests.Seccomp;

/// <summary>The compiled programs, run through a BPF interpreter over system calls and arguments.</summary>
public sealed class SeccompCompilerTests
{
    private const uint AuditX86_64 = 0xC000003E;
    private const uint AuditI386 = 0x40000003;
    private const uint AuditAarch64 = 0xC00000B7;
    private const uint Eperm = SeccompAction.Errno | 1;
    private const uint Enosys = SeccompAction.Errno | 38;
    private const ulong CloneNewUser = 0x10000000;
    private const ulong CloneThreadFlags = 0x003d0f00; // what pthread_create passes: VM, FS, FILES, SIGHAND, THREAD, SYSVSEM, SETTLS, *_TID

    private static readonly Version Kernel = new(6, 18);

    private static uint Nr(SeccompArch arch, string name) =>
        arch.Table.TryGetNumber(name, out var number) ? number : throw new ArgumentException($"{name} is not a {arch.Name} call");

    private static BpfInstruction[] RuntimeDefault(params string[] extraCapabilities) =>
        SeccompCompiler.Compile(RuntimeDefaultProfile.For(LinuxCapabilities.DefaultNames.Concat(extraCapabilities), Kernel))!.Program;

    private static uint X86_64(BpfInstruction[] program, string call, params ulong[] args) =>
        BpfInterpreter.Run(program, AuditX86_64, Nr(SeccompArch.X86_64, call), args);

    [Theory]
    [InlineData("read")]
    [InlineData("write")]
    [InlineData("openat")]
    [InlineData("execve")]
    [InlineData("exit_group")]
    [InlineData("setuid")]
    [InlineData("chroot")] // CAP_SYS_CHROOT is in the default set
    [InlineData("ptrace")] // allowed from kernel 4.8 on
    [InlineData("futex_waitv")]
    public void RuntimeDefault_allows_ordinary_calls(string call) =>
        Assert.Equal(SeccompAction.Allow, X86_64(RuntimeDefault(), call));

    [Theory]
    [InlineData("mount")]
    [InlineData("umount2")]
    [InlineData("unshare")]
    [InlineData("setns")]
    [InlineData("keyctl")]
    [InlineData("add_key")]
    [InlineData("reboot")]
    [InlineData("init_module")]
    [InlineData("bpf")]
    [InlineData("perf_event_open")]
    [InlineData("open_by_handle_at")]
    [InlineData("sethostname")]
    [InlineData("io_uring_setup")]
    public void RuntimeDefault_denies_with_eperm_what_the_default_capabilities_do_not_cover(string call) =>
        Assert.Equal(Eperm, X86_64(RuntimeDefault(), call));

    [Fact]
    public void RuntimeDefault_checks_clone_personality_and_socket_arguments()
    {
        var program = RuntimeDefault();
        Assert.Equal(SeccompAction.Allow, X86_64(program, "clone", CloneThreadFlags));
        Assert.Equal(SeccompAction.Allow, X86_64(program, "clone", 17)); // fork: SIGCHLD
        Assert.Equal(Eperm, X86_64(program, "clone", CloneNewUser | 17));
        Assert.Equal(Eperm, X86_64(program, "clone", 0x20000000)); // CLONE_NEWPID
        Assert.Equal(Enosys, X86_64(program, "clone3"));
        Assert.Equal(SeccompAction.Allow, X86_64(program, "personality", 0));
        Assert.Equal(SeccompAction.Allow, X86_64(program, "personality", 0xffffffff));
        Assert.Equal(SeccompAction.Allow, X86_64(program, "personality", 0x20008));
        Assert.Equal(Eperm, X86_64(program, "personality", 0x0040000)); // ADDR_NO_RANDOMIZE
        Assert.Equal(Eperm, X86_64(program, "personality", 0x1_00000000));
        Assert.Equal(SeccompAction.Allow, X86_64(program, "socket", 2)); // AF_INET
        Assert.Equal(SeccompAction.Allow, X86_64(program, "socket", 39));
        Assert.Equal(SeccompAction.Allow, X86_64(program, "socket", 41));
        Assert.Equal(Eperm, X86_64(program, "socket", 38)); // AF_ALG
        Assert.Equal(Eperm, X86_64(program, "socket", 40)); // AF_VSOCK
    }

    [Fact]
    public void RuntimeDefault_follows_the_capability_set()
    {
        var admin = RuntimeDefault("CAP_SYS_ADMIN");
        Assert.Equal(SeccompAction.Allow, X86_64(admin, "mount"));
        Assert.Equal(SeccompAction.Allow, X86_64(admin, "unshare"));
        Assert.Equal(SeccompAction.Allow, X86_64(admin, "clone", CloneNewUser));
        Assert.Equal(SeccompAction.Allow, X86_64(admin, "clone3"));
        Assert.Equal(Eperm, X86_64(admin, "reboot"));
        Assert.Equal(SeccompAction.Allow, X86_64(RuntimeDefault("CAP_SYS_BOOT"), "reboot"));
        Assert.Equal(SeccompAction.Allow, X86_64(RuntimeDefault("CAP_SYS_TIME"), "settimeofday"));
        var none = SeccompCompiler.Compile(RuntimeDefaultProfile.For([], Kernel))!.Program;
        Assert.Equal(Eperm, X86_64(none, "chroot"));
        var old = SeccompCompiler.Compile(RuntimeDefaultProfile.For(LinuxCapabilities.DefaultNames, new Version(4, 4)))!.Program;
        Assert.Equal(Eperm, X86_64(old, "ptrace"));
    }

    [Fact]
    public void RuntimeDefault_covers_the_x32_and_i386_abis_and_kills_any_other()
    {
        var program = RuntimeDefault();
        Assert.Equal(SeccompAction.Allow, BpfInterpreter.Run(program, AuditX86_64, Nr(SeccompArch.X32, "read")));
        Assert.Equal(Eperm, BpfInterpreter.Run(program, AuditX86_64, Nr(SeccompArch.X32, "mount")));
        Assert.Equal(SeccompAction.Allow, BpfInterpreter.Run(program, AuditI386, Nr(SeccompArch.X86, "read")));
        Assert.Equal(SeccompAction.Allow, BpfInterpreter.Run(program, AuditI386, Nr(SeccompArch.X86, "socketcall")));
        Assert.Equal(Eperm, BpfInterpreter.Run(program, AuditI386, Nr(SeccompArch.X86, "mount")));
        Assert.Equal(Eperm, BpfInterpreter.Run(program, AuditI386, Nr(SeccompArch.X86, "clone"), CloneNewUser));
        Assert.Equal(SeccompAction.Allow, BpfInterpreter.Run(program, AuditI386, Nr(SeccompArch.X86, "clone"), 17));
        Assert.Equal(SeccompAction.KillThread, BpfInterpreter.Run(program, AuditAarch64, 63));
    }

    [Fact]
    public void Calls_newer_than_any_the_profile_names_get_enosys_as_runc_patches_them()
    {
        var program = RuntimeDefault();
        Assert.Equal(Enosys, BpfInterpreter.Run(program, AuditX86_64, 451)); // cachestat: newer than these headers
        Assert.Equal(Enosys, BpfInterpreter.Run(program, AuditX86_64, 0x3fffffff));
        Assert.Equal(Enosys, BpfInterpreter.Run(program, AuditX86_64, uint.MaxValue)); // syscall(-1), through the x32 section
        Assert.Equal(Enosys, BpfInterpreter.Run(program, AuditI386, 5000));
        Assert.Equal(Eperm, BpfInterpreter.Run(program, AuditX86_64, Nr(SeccompArch.X86_64, "set_mempolicy_home_node") - 10)); // a lower unlisted call

        var permissive = SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ALLOW", [new(["mkdir"], "SCMP_ACT_ERRNO")]))!.Program;
        Assert.Equal(SeccompAction.Allow, BpfInterpreter.Run(permissive, AuditX86_64, 451));
        Assert.Equal(Eperm, X86_64(permissive, "mkdir"));
    }

    [Fact]
    public void Without_x32_in_the_profile_x32_calls_get_the_bad_architecture_action()
    {
        var program = SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ALLOW", [new(["mkdir"], "SCMP_ACT_ERRNO", ErrnoRet: 13)]))!.Program;
        Assert.Equal(SeccompAction.Errno | 13, X86_64(program, "mkdir"));
        Assert.Equal(SeccompAction.KillThread, BpfInterpreter.Run(program, AuditX86_64, Nr(SeccompArch.X32, "mkdir")));
        Assert.Equal(SeccompAction.KillThread, BpfInterpreter.Run(program, AuditI386, Nr(SeccompArch.X86, "mkdir")));
    }

    public static TheoryData<string> Operators => ["SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"];

    [Theory]
    [MemberData(nameof(Operators))]
    public void Argument_comparisons_are_on_the_full_64_bit_value(string op)
    {
        ulong[] samples = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x1_00000000, 0x1_00000001, 0x2_00000000, 0xffffffff_00000000, 0xffffffff_fffffffe, ulong.MaxValue];
        foreach (var value in samples)
        {
            foreach (var mask in (ulong[])[0xff, 0xffffffff_00000000, ulong.MaxValue])
            {
                var profile = new OciSeccompProfile("SCMP_ACT_ALLOW",
                    [new(["kill"], "SCMP_ACT_ERRNO", [new OciSeccompArg(3, op == "SCMP_CMP_MASKED_EQ" ? mask : value, op, value & mask)], 7)]);
                var program = SeccompCompiler.Compile(profile)!.Program;
                foreach (var arg in samples)
                {
                    var holds = op switch
                    {
                        "SCMP_CMP_EQ" => arg == value,
                        "SCMP_CMP_NE" => arg != value,
                        "SCMP_CMP_LT" => arg < value,
                        "SCMP_CMP_LE" => arg <= value,
                        "SCMP_CMP_GE" => arg >= value,
                        "SCMP_CMP_GT" => arg > value,
                        _ => (arg & mask) == (value & mask),
                    };
                    var expected = holds ? SeccompAction.Errno | 7 : SeccompAction.Allow;
                    var got = X86_64(program, "kill", 0, 0, 0, arg);
                    Assert.True(expected == got, $"{op} value 0x{value:x} mask 0x{mask:x}: arg 0x{arg:x} gave 0x{got:x}");
                }
            }
        }
    }

    [Fact]
    public void Conditions_of_one_rule_all_must_hold_but_two_on_one_argument_are_either_as_runc_splits_them()
    {
        var both = SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ALLOW",
            [new(["kill"], "SCMP_ACT_KILL_PROCESS", [new OciSeccompArg(0, 1, "SCMP_CMP_EQ"), new OciSeccompArg(1, 9, "SCMP_CMP_EQ")])]))!.Program;
        Assert.Equal(SeccompAction.KillProcess, X86_64(both, "kill", 1, 9));
        Assert.Equal(SeccompAction.Allow, X86_64(both, "kill", 1, 15));
        Assert.Equal(SeccompAction.Allow, X86_64(both, "kill", 2, 9));

        var either = SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ALLOW",
            [new(["kill"], "SCMP_ACT_TRAP", [new OciSeccompArg(1, 9, "SCMP_CMP_EQ"), new OciSeccompArg(1, 15, "SCMP_CMP_EQ")])]))!.Program;
        Assert.Equal(SeccompAction.Trap, X86_64(either, "kill", 1, 9));
        Assert.Equal(SeccompAction.Trap, X86_64(either, "kill", 1, 15));
        Assert.Equal(SeccompAction.Allow, X86_64(either, "kill", 1, 2));
    }

    [Fact]
    public void The_first_unconditional_rule_of_a_call_wins_as_in_libseccomp_and_rules_with_the_default_action_are_dropped()
    {
        var program = SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ERRNO",
        [
            new(["mkdir"], "SCMP_ACT_LOG", [new OciSeccompArg(1, 0700, "SCMP_CMP_EQ")]),
            new(["mkdir"], "SCMP_ACT_ALLOW"),
            new(["mkdir"], "SCMP_ACT_KILL"),
            new(["rmdir"], "SCMP_ACT_ERRNO"),
            new(["rmdir"], "SCMP_ACT_TRACE", ErrnoRet: 5),
            new(["no_such_call", "getpid"], "SCMP_ACT_ALLOW"),
        ], Architectures: ["SCMP_ARCH_X86_64"]))!.Program;
        Assert.Equal(SeccompAction.Allow, X86_64(program, "mkdir", 0, 0700));
        Assert.Equal(SeccompAction.Allow, X86_64(program, "mkdir", 0, 0755));
        Assert.Equal(SeccompAction.Trace | 5, X86_64(program, "rmdir"));
        Assert.Equal(SeccompAction.Allow, X86_64(program, "getpid"));
        Assert.Equal(Eperm, X86_64(program, "write"));
        Assert.Equal(Enosys, X86_64(program, "getppid")); // above rmdir, the highest call named
    }

    [Fact]
    public void Many_conditional_calls_still_give_every_call_its_answer_across_long_jumps()
    {
        var table = SeccompArch.X86_64.Table.Numbers;
        var calls = table.Keys.Where((_, i) => i % 2 == 0).Order(StringComparer.Ordinal).ToList();
        var profile = new OciSeccompProfile("SCMP_ACT_KILL_PROCESS",
            calls.Select(c => new OciSeccompSyscall([c], "SCMP_ACT_ERRNO", [new OciSeccompArg(0, table[c], "SCMP_CMP_EQ")], table[c] % 4000)).ToList(),
            Architectures: []);
        var filter = SeccompCompiler.Compile(profile)!;
        Assert.Contains(filter.Program, i => i.Code == BpfInstruction.JumpAlways);
        var highest = calls.Max(c => table[c]);
        foreach (var (name, nr) in table)
        {
            var listed = calls.Contains(name);
            Assert.Equal(listed ? SeccompAction.Errno | (nr % 4000) : nr > highest ? Enosys : SeccompAction.KillProcess,
                BpfInterpreter.Run(filter.Program, AuditX86_64, nr, nr));
            if (listed)
            {
                Assert.Equal(SeccompAction.KillProcess, BpfInterpreter.Run(filter.Program, AuditX86_64, nr, nr + 1));
            }
        }
    }

    [Fact]
    public void Flags_default_to_spec_allow_as_runc_sets_them_and_an_explicit_list_replaces_it()
    {
        OciSeccompSyscall[] calls = [new(["mkdir"], "SCMP_ACT_ERRNO")];
        Assert.Equal(SeccompFilter.FlagSpecAllow, SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ALLOW", calls))!.Flags);
        Assert.Equal(0u, SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ALLOW", calls, Flags: []))!.Flags);
        Assert.Equal(SeccompFilter.FlagLog, SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ALLOW", calls, Flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC"]))!.Flags);
    }

    [Fact]
    public void A_profile_without_default_action_or_calls_means_no_filter()
    {
        Assert.Null(SeccompCompiler.Compile(new OciSeccompProfile("", [])));
    }

    [Theory]
    [InlineData("SCMP_ACT_FOO", "SCMP_CMP_EQ", "SCMP_ARCH_X86_64", "string SCMP_ACT_FOO is not a valid action for seccomp")]
    [InlineData("SCMP_ACT_ERRNO", "SCMP_CMP_LIKE", "SCMP_ARCH_X86_64", "string SCMP_CMP_LIKE is not a valid operator for seccomp")]
    [InlineData("SCMP_ACT_ERRNO", "SCMP_CMP_EQ", "SCMP_ARCH_VAX", "string SCMP_ARCH_VAX is not a valid arch for seccomp")]
    [InlineData("SCMP_ACT_NOTIFY", "SCMP_CMP_EQ", "SCMP_ARCH_X86_64", "SCMP_ACT_NOTIFY needs a seccomp agent")]
    public void Names_runc_does_not_know_are_refused_at_start(string action, string op, string arch, string message)
    {
        var profile = new OciSeccompProfile("SCMP_ACT_ALLOW", [new(["mkdir"], action, [new OciSeccompArg(0, 1, op)])], [arch]);
        var e = Assert.Throws<SeccompProfileException>(() => SeccompCompiler.Compile(profile));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.True(e.AtStart);
        var flag = Assert.Throws<SeccompProfileException>(() => SeccompCompiler.Compile(new OciSeccompProfile("SCMP_ACT_ALLOW", [], Flags: ["SECCOMP_FILTER_FLAG_NOPE"])));
        Assert.Equal("seccomp flag SECCOMP_FILTER_FLAG_NOPE is not known to runc", flag.Message);
    }

    [Fact]
    public void The_program_bytes_are_the_kernels_sock_filter_layout()
    {
        var program = RuntimeDefault();
        var bytes = BpfInstruction.ToBytes(program);
        Assert.Equal(program.Length * 8, bytes.Length);
        Assert.Equal(program, BpfInstruction.FromBytes(bytes));
        Assert.Equal([0x20, 0, 0, 0, 4, 0, 0, 0], bytes[..8]); // ld [4]: the architecture first
    }
}
