namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// An x86 system call ABI a filter can tell apart: the kernel reports the audit architecture of
/// each call (x86_64 and x32 share AUDIT_ARCH_X86_64; x32 calls carry bit 30 in their number).
/// </summary>
public sealed record SeccompArch(string Name, string OciName, uint AuditArch, bool Is64Bit, uint NumberBase, string TableResource)
{
    private const uint AuditArch64Bit = 0x80000000;
    private const uint AuditArchLittleEndian = 0x40000000;

    /// <summary>The bit an x32 call sets in its number (__X32_SYSCALL_BIT).</summary>
    public const uint X32SyscallBit = 0x40000000;

    public static readonly SeccompArch X86_64 = new("x86_64", "SCMP_ARCH_X86_64", 62 | AuditArch64Bit | AuditArchLittleEndian, true, 0, "syscalls-x86_64.tbl");

    public static readonly SeccompArch X32 = new("x32", "SCMP_ARCH_X32", 62 | AuditArch64Bit | AuditArchLittleEndian, true, X32SyscallBit, "syscalls-x32.tbl");

    public static readonly SeccompArch X86 = new("i386", "SCMP_ARCH_X86", 3 | AuditArchLittleEndian, false, 0, "syscalls-i386.tbl");

    /// <summary>Every ABI this compiler knows, the host's native one first.</summary>
    public static IReadOnlyList<SeccompArch> All { get; } = [X86_64, X32, X86];

    /// <summary>The names runc accepts in "architectures" (runc's seccomp config), whether or not this host can run them.</summary>
    public static IReadOnlySet<string> KnownOciNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
        "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
    };

    public SyscallTable Table => SyscallTable.For(this);

    /// <summary>The highest call number of this ABI's section (x86_64's stop below the x32 bit).</summary>
    public uint SectionEnd => this == X86_64 ? X32SyscallBit - 1 : uint.MaxValue;
}
