using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>Baseline, v1.0+: no container may set securityContext.privileged=true.</summary>
public static class Privileged
{
    public static PodSecurityCheck Check { get; } = new("privileged", PodSecurityLevel.Baseline, [new(PolicyVersion.V1(0), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var bad = CheckText.AllContainers(spec).Where(c => c.SecurityContext?.Privileged == true).Select(c => c.Name).ToList();
        return bad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("privileged", $"{CheckText.Containers(bad)} must not set securityContext.privileged=true");
    }
}
