using System.Globalization;
using Axolotl.Api.Core;

namespace Axolotl.Runtime.Security;

/// <summary>
/// Linux capability names and numbers (linux/capability.h), and the set a container gets by default
/// (containerd's and Docker's list): the only home of both. Masks are bit N for capability N, as
/// /proc/PID/status shows them; the launcher gets its bounding set from here (ContainerSecurity's
/// "--sec caps=HEX") and seccomp's RuntimeDefault the same set as names (<see cref="NamesFor"/>).
/// </summary>
public static class LinuxCapabilities
{
    private static readonly string[] Names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    /// <summary>containerd's (and Docker's) default set, in containerd's order; no SYS_ADMIN, so no process of the container can mount or undo the masks on /proc.</summary>
    private static readonly string[] DefaultSet =
    [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE",
        "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ];

    /// <summary>containerd's default set as a mask (a80425fb).</summary>
    public static ulong Default { get; } = DefaultSet.Aggregate(0UL, (mask, n) => mask | (1UL << Number(n)!.Value));

    /// <summary>containerd's default set as "CAP_" names, in containerd's order.</summary>
    public static IReadOnlyList<string> DefaultNames { get; } = [.. DefaultSet.Select(n => "CAP_" + n)];

    /// <summary>Every capability named here (linux/capability.h) as "CAP_" names, in number order, whatever this kernel knows.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [.. Names.Select(n => "CAP_" + n)];

    /// <summary>Every capability this kernel knows (/proc/sys/kernel/cap_last_cap), else every one named here.</summary>
    public static ulong All { get; } = AllOfKernel();

    /// <summary>The number of a capability named with or without "CAP_", in any case; null when unknown.</summary>
    public static int? Number(string name)
    {
        var bare = name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? name[4..] : name;
        var index = Array.FindIndex(Names, n => string.Equals(n, bare, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : index;
    }

    /// <summary>The "CAP_" name as the runtime reports it (upper case, prefixed).</summary>
    public static string Canonical(string name) =>
        "CAP_" + (name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? name[4..] : name).ToUpperInvariant();

    public static string Name(int number) => number < Names.Length ? "CAP_" + Names[number] : number.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A container's capability set as "CAP_" names, as containerd's CRI plugin computes it from
    /// securityContext for seccomp's RuntimeDefault (privileged containers run unconfined: not asked):
    /// the default set, "ALL" in add (every named capability) or drop (none) first, then the other
    /// names, upper-cased with a "CAP_" prefix (an unknown one is kept: no rule asks for it).
    /// </summary>
    public static IReadOnlySet<string> NamesFor(SecurityContext? context)
    {
        var set = new HashSet<string>(DefaultNames, StringComparer.Ordinal);
        var add = context?.Capabilities?.Add ?? [];
        var drop = context?.Capabilities?.Drop ?? [];
        if (add.Any(IsAll))
        {
            set.UnionWith(AllNames);
        }
        if (drop.Any(IsAll))
        {
            set.Clear();
        }
        foreach (var name in add.Where(n => !IsAll(n)))
        {
            set.Add(Canonical(name));
        }
        foreach (var name in drop.Where(n => !IsAll(n)))
        {
            set.Remove(Canonical(name));
        }
        return set;
    }

    /// <summary>"ALL" in capabilities.add or drop, in any case.</summary>
    public static bool IsAll(string name) => string.Equals(name, "ALL", StringComparison.OrdinalIgnoreCase);

    private static ulong AllOfKernel()
    {
        var last = Names.Length - 1;
        try
        {
            if (int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var known) && known is > 0 and < 64)
            {
                last = known;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return last == 63 ? ulong.MaxValue : (1UL << (last + 1)) - 1;
    }
}
