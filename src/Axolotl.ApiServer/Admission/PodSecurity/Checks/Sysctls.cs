using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Baseline: only the namespaced, isolated ("safe") sysctls, a set that grew in v1.27, v1.29 and v1.32.
/// </summary>
public static class Sysctls
{
    private static readonly HashSet<string> SafeV1Dot0 = new(StringComparer.Ordinal)
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
    };

    private static readonly HashSet<string> SafeV1Dot27 = new(SafeV1Dot0, StringComparer.Ordinal) { "net.ipv4.ip_local_reserved_ports" };

    private static readonly HashSet<string> SafeV1Dot29 = new(SafeV1Dot27, StringComparer.Ordinal)
    {
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    };

    private static readonly HashSet<string> SafeV1Dot32 = new(SafeV1Dot29, StringComparer.Ordinal) { "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem" };

    public static PodSecurityCheck Check { get; } = new("sysctls", PodSecurityLevel.Baseline,
    [
        new(PolicyVersion.V1(0), (meta, spec) => Evaluate(spec, SafeV1Dot0)),
        new(PolicyVersion.V1(27), (meta, spec) => Evaluate(spec, SafeV1Dot27)),
        new(PolicyVersion.V1(29), (meta, spec) => Evaluate(spec, SafeV1Dot29)),
        new(PolicyVersion.V1(32), (meta, spec) => Evaluate(spec, SafeV1Dot32)),
    ]);

    private static CheckResult Evaluate(PodSpec spec, HashSet<string> safe)
    {
        // In the pod's order, repeats included, as upstream lists them.
        var forbidden = (spec.SecurityContext?.Sysctls ?? []).Select(s => s.Name).Where(name => !safe.Contains(name)).ToList();
        return forbidden.Count == 0 ? CheckResult.Allow : CheckResult.Forbid("forbidden sysctls", string.Join(", ", forbidden));
    }
}
