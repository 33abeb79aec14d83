using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>Restricted, v1.23+: neither the pod nor a container may set runAsUser=0.</summary>
public static class RunAsUser
{
    public static PodSecurityCheck Check { get; } = new("runAsUser", PodSecurityLevel.Restricted, [new(PolicyVersion.V1(23), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var setters = new List<string>();
        if (spec.SecurityContext?.RunAsUser == 0)
        {
            setters.Add("pod");
        }
        var containers = CheckText.AllContainers(spec).Where(c => c.SecurityContext?.RunAsUser == 0).Select(c => c.Name).ToList();
        if (containers.Count > 0)
        {
            setters.Add(CheckText.Containers(containers));
        }
        return setters.Count == 0 ? CheckResult.Allow : CheckResult.Forbid("runAsUser=0", $"{string.Join(" and ", setters)} must not set runAsUser=0");
    }
}
