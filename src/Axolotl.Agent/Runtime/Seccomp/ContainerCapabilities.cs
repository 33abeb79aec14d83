using Axolotl.Api.Core;

namespace Axolotl.Agent.Runtime.Seccomp;

/// <summary>
/// A container's capability set as containerd's CRI plugin computes it from securityContext: its
/// default list, "ALL" in add (every capability) or drop (none) first, then the other names, upper-cased
/// with a "CAP_" prefix. RuntimeDefault's capability-gated rules follow this set.
/// </summary>
public static class ContainerCapabilities
{
    /// <summary>containerd's (and Docker's) default set.</summary>
    public static IReadOnlyList<string> Default { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>Every capability of linux/capability.h, in number order (0 … 40).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
        "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>The set for a container's securityContext (privileged containers run unconfined: not asked).</summary>
    public static IReadOnlySet<string> For(SecurityContext? context)
    {
        var set = new HashSet<string>(Default, StringComparer.Ordinal);
        var add = context?.Capabilities?.Add ?? [];
        var drop = context?.Capabilities?.Drop ?? [];
        if (add.Any(IsAll))
        {
            set.UnionWith(All);
        }
        if (drop.Any(IsAll))
        {
            set.Clear();
        }
        foreach (var name in add.Where(n => !IsAll(n)))
        {
            set.Add(Normalize(name));
        }
        foreach (var name in drop.Where(n => !IsAll(n)))
        {
            set.Remove(Normalize(name));
        }
        return set;
    }

    private static bool IsAll(string name) => string.Equals(name, "ALL", StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string name)
    {
        var upper = name.ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
    }
}
