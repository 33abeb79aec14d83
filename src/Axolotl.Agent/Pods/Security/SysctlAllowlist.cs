using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods.Security;

/// <summary>
/// The kubelet's sysctl admission (pkg/kubelet/sysctl): a pod may set the safe sysctls of 1.32
/// and those the node allows with --allowed-unsafe-sysctls (names or "prefix*", each known to be
/// namespaced); a net.* sysctl with hostNetwork or an IPC one with hostIPC would change the node's
/// own and is refused. A refused pod fails with reason SysctlForbidden.
/// </summary>
public sealed class SysctlAllowlist
{
    public const string ForbiddenReason = "SysctlForbidden";

    /// <summary>1.32's safe set (every one namespaced on kernels this recent).</summary>
    public static readonly IReadOnlyList<string> Safe =
    [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    ];

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _prefixes = new(StringComparer.Ordinal);

    /// <summary>The safe set plus <paramref name="allowedUnsafe"/>; throws <see cref="ArgumentException"/> for one not known to be namespaced.</summary>
    public SysctlAllowlist(IEnumerable<string> allowedUnsafe)
    {
        foreach (var name in Safe)
        {
            _names[name] = NamespaceOf(name)!;
        }

        foreach (var entry in allowedUnsafe)
        {
            var pattern = NormalizeName(entry.Trim());
            var prefixed = pattern.EndsWith('*');
            var text = prefixed ? pattern[..^1] : pattern;
            var ns = NamespaceOf(text, prefixed)
                ?? throw new ArgumentException(prefixed ? $"the sysctls \"{entry}\" are not known to be namespaced" : $"the sysctl \"{entry}\" are not known to be namespaced");
            (prefixed ? _prefixes : _names)[text] = ns;
        }
    }

    /// <summary>Null when every sysctl of the pod is allowed, else the kubelet's message ("forbidden sysctl: …").</summary>
    public string? Admit(Pod pod)
    {
        var spec = pod.Spec;
        foreach (var sysctl in spec?.SecurityContext?.Sysctls ?? [])
        {
            if (Validate(sysctl.Name, spec!.HostNetwork == true, spec.HostIPC == true) is { } error)
            {
                return $"forbidden sysctl: {error}";
            }
        }

        return null;
    }

    private string? Validate(string name, bool hostNet, bool hostIpc)
    {
        var sysctl = NormalizeName(name);
        string? ns = _names.GetValueOrDefault(sysctl) ?? _prefixes.FirstOrDefault(p => sysctl.StartsWith(p.Key, StringComparison.Ordinal)).Value;
        if (ns is null)
        {
            return $"\"{sysctl}\" not allowlisted";
        }

        return (ns == "ipc" && hostIpc) || (ns == "net" && hostNet) ? $"\"{sysctl}\" not allowed with host {ns} enabled" : null;
    }

    /// <summary>The kernel namespace of a sysctl (the kubelet's GetNamespace): ipc or net, else null.</summary>
    private static string? NamespaceOf(string name, bool prefix = false)
    {
        if (name == "kernel.sem" && !prefix)
        {
            return "ipc";
        }

        if (name.StartsWith("kernel.shm", StringComparison.Ordinal) || name.StartsWith("kernel.msg", StringComparison.Ordinal)
            || name.StartsWith("fs.mqueue.", StringComparison.Ordinal))
        {
            return "ipc";
        }

        return name.StartsWith("net.", StringComparison.Ordinal) ? "net" : null;
    }

    /// <summary>The kubelet's NormalizeName: a name written with slashes has its dots and slashes swapped.</summary>
    public static string NormalizeName(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return slash >= 0 && (dot < 0 || slash < dot) ? string.Concat(name.Select(c => c switch { '.' => '/', '/' => '.', _ => c })) : name;
    }
}
