using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>Baseline, v1.0+: capabilities.add may name only capabilities of the container runtime's default set.</summary>
public static class CapabilitiesBaseline
{
    public const string Id = "capabilities_baseline";

    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    };

    public static PodSecurityCheck Check { get; } = new(Id, PodSecurityLevel.Baseline, [new(PolicyVersion.V1(0), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var bad = new List<string>();
        var added = new List<string>();
        foreach (var container in CheckText.AllContainers(spec))
        {
            var extra = (container.SecurityContext?.Capabilities?.Add ?? []).Where(c => !Allowed.Contains(c)).ToList();
            if (extra.Count > 0)
            {
                bad.Add(container.Name);
                added.AddRange(extra);
            }
        }
        return bad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("non-default capabilities",
                $"{CheckText.Containers(bad)} must not include {CheckText.JoinQuote(CheckText.Sorted(added))} in securityContext.capabilities.add");
    }
}
