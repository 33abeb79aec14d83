using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Baseline, v1.0+: procMount may only be Default (the runtime's masked /proc). Upstream relaxes this
/// for user-namespaced pods only behind the UserNamespacesPodSecurityStandards gate, off in 1.32.
/// </summary>
public static class ProcMount
{
    public static PodSecurityCheck Check { get; } = new("procMount", PodSecurityLevel.Baseline, [new(PolicyVersion.V1(0), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var bad = new List<string>();
        var types = new List<string>();
        foreach (var container in CheckText.AllContainers(spec))
        {
            if (container.SecurityContext?.ProcMount is { } procMount && procMount != "Default")
            {
                bad.Add(container.Name);
                types.Add(procMount);
            }
        }
        return bad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("procMount", $"{CheckText.Containers(bad)} must not set securityContext.procMount to {CheckText.JoinQuote(CheckText.Sorted(types))}");
    }
}
