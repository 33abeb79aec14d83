namespace Axolotl.Runtime.Seccomp;

/// <summary>A compiled profile: the BPF program and the seccomp(2) flags to load it with (SECCOMP_FILTER_FLAG_*).</summary>
public sealed record SeccompFilter(BpfInstruction[] Program, uint Flags)
{
    public const uint FlagLog = 1u << 1;
    public const uint FlagSpecAllow = 1u << 2;
}
