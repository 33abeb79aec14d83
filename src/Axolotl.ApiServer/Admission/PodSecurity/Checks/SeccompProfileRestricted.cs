using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Restricted, v1.19+: every container runs under RuntimeDefault or Localhost, set on the container or
/// inherited from a valid pod-level profile; from v1.25 a pod whose spec.os.name is windows is exempt.
/// </summary>
public static class SeccompProfileRestricted
{
    public static PodSecurityCheck Check { get; } = new("seccompProfile_restricted", PodSecurityLevel.Restricted,
    [
        new(PolicyVersion.V1(19), Evaluate, [SeccompProfileBaseline.Id]),
        new(PolicyVersion.V1(25), (meta, spec) => CheckText.IsWindows(spec) ? CheckResult.Allow : Evaluate(meta, spec), [SeccompProfileBaseline.Id]),
    ]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var setters = new List<string>();
        var values = new List<string>();
        var podSet = false;
        if (spec.SecurityContext?.SeccompProfile is { } podProfile)
        {
            if (SeccompProfileBaseline.AllowedType(podProfile.Type))
            {
                podSet = true;
            }
            else
            {
                setters.Add("pod");
                values.Add(podProfile.Type);
            }
        }
        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var container in CheckText.AllContainers(spec))
        {
            if (container.SecurityContext?.SeccompProfile is { } profile)
            {
                if (!SeccompProfileBaseline.AllowedType(profile.Type))
                {
                    explicitlyBad.Add(container.Name);
                    values.Add(profile.Type);
                }
            }
            else if (!podSet)
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
            return CheckResult.Forbid("seccompProfile",
                $"{string.Join(" and ", setters)} must not set securityContext.seccompProfile.type to {CheckText.JoinQuote(CheckText.Sorted(values))}");
        }
        return implicitlyBad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("seccompProfile",
                $"pod or {CheckText.Containers(implicitlyBad)} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
    }
}
