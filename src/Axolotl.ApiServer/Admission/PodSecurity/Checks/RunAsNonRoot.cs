using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Restricted, v1.0+: runAsNonRoot=true, on the pod (containers may leave it unset) or on every
/// container; an explicit false anywhere is reported first.
/// </summary>
public static class RunAsNonRoot
{
    public static PodSecurityCheck Check { get; } = new("runAsNonRoot", PodSecurityLevel.Restricted, [new(PolicyVersion.V1(0), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var setters = new List<string>();
        var podNonRoot = false;
        if (spec.SecurityContext?.RunAsNonRoot is { } pod)
        {
            if (pod)
            {
                podNonRoot = true;
            }
            else
            {
                setters.Add("pod");
            }
        }
        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var container in CheckText.AllContainers(spec))
        {
            if (container.SecurityContext?.RunAsNonRoot is { } nonRoot)
            {
                if (!nonRoot)
                {
                    explicitlyBad.Add(container.Name);
                }
            }
            else if (!podNonRoot)
            {
                implicitlyBad.Add(container.Name);
            }
        }
        if (explicitlyBad.Count > 0)
        {
            setters.Add(CheckText.Containers(explicitlyBad));
        }
        if (setters.Count > 0)
        {
            return CheckResult.Forbid("runAsNonRoot != true", $"{string.Join(" and ", setters)} must not set securityContext.runAsNonRoot=false");
        }
        return implicitlyBad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("runAsNonRoot != true", $"pod or {CheckText.Containers(implicitlyBad)} must set securityContext.runAsNonRoot=true");
    }
}
