using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Restricted, v1.8+: every container sets allowPrivilegeEscalation=false (unset counts as allowed);
/// from v1.25 a pod whose spec.os.name is windows is exempt.
/// </summary>
public static class AllowPrivilegeEscalation
{
    public static PodSecurityCheck Check { get; } = new("allowPrivilegeEscalation", PodSecurityLevel.Restricted,
    [
        new(PolicyVersion.V1(8), Evaluate),
        new(PolicyVersion.V1(25), (meta, spec) => CheckText.IsWindows(spec) ? CheckResult.Allow : Evaluate(meta, spec)),
    ]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var bad = CheckText.AllContainers(spec).Where(c => c.SecurityContext?.AllowPrivilegeEscalation != false).Select(c => c.Name).ToList();
        return bad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("allowPrivilegeEscalation != false", $"{CheckText.Containers(bad)} must set securityContext.allowPrivilegeEscalation=false");
    }
}
