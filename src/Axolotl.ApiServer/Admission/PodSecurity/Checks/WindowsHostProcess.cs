using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>Baseline, v1.0+: neither the pod nor a container may set windowsOptions.hostProcess=true.</summary>
public static class WindowsHostProcess
{
    public static PodSecurityCheck Check { get; } = new("windowsHostProcess", PodSecurityLevel.Baseline, [new(PolicyVersion.V1(0), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var setters = new List<string>();
        if (spec.SecurityContext?.WindowsOptions?.HostProcess == true)
        {
            setters.Add("pod");
        }
        var containers = CheckText.AllContainers(spec).Where(c => c.SecurityContext?.WindowsOptions?.HostProcess == true).Select(c => c.Name).ToList();
        if (containers.Count > 0)
        {
            setters.Add(CheckText.Containers(containers));
        }
        return setters.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("hostProcess", $"{string.Join(" and ", setters)} must not set securityContext.windowsOptions.hostProcess=true");
    }
}
