using System.Globalization;

namespace Axolotl.Agent.Runtime.Security;

/// <summary>
/// Linux capability names and numbers (linux/capability.h), and the set a container gets by default
/// (containerd's and Docker's list). Masks are bit N for capability N, as /proc/PID/status shows them.
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

    /// <summary>containerd's default set: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE.</summary>
    public static ulong Default { get; } = MaskOf("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE");

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

    private static ulong MaskOf(params string[] names) => names.Aggregate(0UL, (mask, n) => mask | (1UL << Number(n)!.Value));

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
