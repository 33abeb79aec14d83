using System.Globalization;

namespace Axolotl.Runtime.Security;

/// <summary>
/// What a container's securityContext (and its pod's host namespaces) asks of the runtime, resolved
/// by the agent with Kubernetes' precedence; the launcher applies it (Runtime/Native/security.c).
/// Capabilities stay as names until the start, where an unknown one fails the start as a runtime
/// error would (containerd passes names through to the OCI runtime).
/// </summary>
public sealed record ContainerSecurity
{
    /// <summary>No securityContext: containerd's defaults (the default capability set, nothing else asked).</summary>
    public static ContainerSecurity Unset { get; } = new();

    /// <summary>capabilities.add, as written (with or without CAP_, or ALL).</summary>
    public IReadOnlyList<string> AddCapabilities { get; init; } = [];

    /// <summary>capabilities.drop, as written.</summary>
    public IReadOnlyList<string> DropCapabilities { get; init; } = [];

    /// <summary>privileged: every capability, no masked or read-only paths, writable /sys, the node's devices.</summary>
    public bool Privileged { get; init; }

    /// <summary>no_new_privs: allowPrivilegeEscalation set to false (the kubelet's AddNoNewPrivileges).</summary>
    public bool NoNewPrivileges { get; init; }

    public bool ReadOnlyRootFilesystem { get; init; }

    /// <summary>hostPID: the container stays in the node's PID namespace.</summary>
    public bool HostPid { get; init; }

    /// <summary>hostIPC: the node's IPC namespace.</summary>
    public bool HostIpc { get; init; }

    /// <summary>hostNetwork: the node's network and UTS namespaces (the node's hostname).</summary>
    public bool HostNetwork { get; init; }

    /// <summary>Sysctls to write, name (dots) and value, already allowed by the agent's admission.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Sysctls { get; init; } = [];

    /// <summary>
    /// The capability bounding set: containerd's default, or everything when privileged; with
    /// capabilities, ALL in add gives every capability and ALL in drop none, then the named ones are
    /// added and dropped (containerd's WithCapabilities). Throws <see cref="ContainerStartException"/>
    /// for a name the kernel does not know.
    /// </summary>
    public ulong BoundingSet()
    {
        if (Privileged)
        {
            return LinuxCapabilities.All;
        }

        var mask = LinuxCapabilities.Default;
        if (AddCapabilities.Any(LinuxCapabilities.IsAll))
        {
            mask = LinuxCapabilities.All;
        }

        if (DropCapabilities.Any(LinuxCapabilities.IsAll))
        {
            mask = 0;
        }

        foreach (var name in AddCapabilities.Where(n => !LinuxCapabilities.IsAll(n)))
        {
            mask |= 1UL << Known(name);
        }

        foreach (var name in DropCapabilities.Where(n => !LinuxCapabilities.IsAll(n)))
        {
            mask &= ~(1UL << Known(name));
        }

        return mask & LinuxCapabilities.All;
    }

    private static int Known(string name) =>
        LinuxCapabilities.Number(name) is { } number && (LinuxCapabilities.All & (1UL << number)) != 0
            ? number
            : throw new ContainerStartException($"unknown capability \"{LinuxCapabilities.Canonical(name)}\"", 128);

    /// <summary>The launcher's "--sec" values.</summary>
    public IEnumerable<string> LauncherValues()
    {
        yield return "caps=" + BoundingSet().ToString("x", CultureInfo.InvariantCulture);
        if (NoNewPrivileges)
        {
            yield return "no-new-privs";
        }

        if (ReadOnlyRootFilesystem)
        {
            yield return "read-only-root";
        }

        if (Privileged)
        {
            yield return "privileged";
        }

        if (HostPid)
        {
            yield return "host-pid";
        }

        if (HostIpc)
        {
            yield return "host-ipc";
        }

        if (HostNetwork)
        {
            yield return "host-uts";
        }

        foreach (var (name, value) in Sysctls)
        {
            yield return $"sysctl={SysctlPath(name)}={value}";
        }
    }

    /// <summary>A sysctl's path below /proc/sys: dots separate, slashes stand for dots (the kubelet's NormalizeName, reversed).</summary>
    public static string SysctlPath(string name)
    {
        var slashes = name.IndexOf('/', StringComparison.Ordinal);
        var dots = name.IndexOf('.', StringComparison.Ordinal);
        var slashSeparated = slashes >= 0 && (dots < 0 || slashes < dots);
        return slashSeparated ? name : string.Concat(name.Select(c => c switch { '.' => '/', '/' => '.', _ => c }));
    }

    /// <summary>Whether two launches would apply the same (a standby is reused only then).</summary>
    public static bool Same(ContainerSecurity? a, ContainerSecurity? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null
            && a.AddCapabilities.SequenceEqual(b.AddCapabilities, StringComparer.Ordinal)
            && a.DropCapabilities.SequenceEqual(b.DropCapabilities, StringComparer.Ordinal)
            && a.Privileged == b.Privileged && a.NoNewPrivileges == b.NoNewPrivileges && a.ReadOnlyRootFilesystem == b.ReadOnlyRootFilesystem
            && a.HostPid == b.HostPid && a.HostIpc == b.HostIpc && a.HostNetwork == b.HostNetwork
            && a.Sysctls.SequenceEqual(b.Sysctls));
}
