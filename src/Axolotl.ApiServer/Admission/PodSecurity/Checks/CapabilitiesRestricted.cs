using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Restricted, v1.22+: every container drops ALL and adds nothing but NET_BIND_SERVICE (replacing
/// <see cref="CapabilitiesBaseline"/>); from v1.25 a pod whose spec.os.name is windows is exempt.
/// </summary>
public static class CapabilitiesRestricted
{
    public static PodSecurityCheck Check { get; } = new("capabilities_restricted", PodSecurityLevel.Restricted,
    [
        new(PolicyVersion.V1(22), Evaluate, [CapabilitiesBaseline.Id]),
        new(PolicyVersion.V1(25), (meta, spec) => CheckText.IsWindows(spec) ? CheckResult.Allow : Evaluate(meta, spec), [CapabilitiesBaseline.Id]),
    ]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var missingDropAll = new List<string>();
        var addingForbidden = new List<string>();
        var forbidden = new List<string>();
        foreach (var container in CheckText.AllContainers(spec))
        {
            var capabilities = container.SecurityContext?.Capabilities;
            if (capabilities is null)
            {
                missingDropAll.Add(container.Name);
                continue;
            }
            if (!(capabilities.Drop ?? []).Contains("ALL", StringComparer.Ordinal))
            {
                missingDropAll.Add(container.Name);
            }
            var extra = (capabilities.Add ?? []).Where(c => c != "NET_BIND_SERVICE").ToList();
            if (extra.Count > 0)
            {
                addingForbidden.Add(container.Name);
                forbidden.AddRange(extra);
            }
        }
        var details = new List<string>();
        if (missingDropAll.Count > 0)
        {
            details.Add($"{CheckText.Containers(missingDropAll)} must set securityContext.capabilities.drop=[\"ALL\"]");
        }
        if (addingForbidden.Count > 0)
        {
            details.Add($"{CheckText.Containers(addingForbidden)} must not include {CheckText.JoinQuote(CheckText.Sorted(forbidden))} in securityContext.capabilities.add");
        }
        return details.Count == 0 ? CheckResult.Allow : CheckResult.Forbid("unrestricted capabilities", string.Join("; ", details));
    }
}
