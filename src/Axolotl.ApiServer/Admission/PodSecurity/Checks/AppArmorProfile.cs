using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Baseline, v1.0+: an AppArmor profile, set in the pod's or a container's securityContext or in the
/// deprecated container.apparmor.security.beta.kubernetes.io/* annotations, may only be the runtime's
/// default or a profile loaded on the node (RuntimeDefault/Localhost; runtime/default, localhost/*).
/// </summary>
public static class AppArmorProfile
{
    private const string AnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

    public static PodSecurityCheck Check { get; } = new("appArmorProfile", PodSecurityLevel.Baseline, [new(PolicyVersion.V1(0), Evaluate)]);

    private static bool AllowedType(string type) => type is "RuntimeDefault" or "Localhost";

    private static bool AllowedAnnotation(string value) =>
        value.Length == 0 || value == "runtime/default" || value.StartsWith("localhost/", StringComparison.Ordinal);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var setters = new List<string>();
        var values = new List<string>();
        if (spec.SecurityContext?.AppArmorProfile is { } podProfile && !AllowedType(podProfile.Type))
        {
            setters.Add("pod");
            values.Add(podProfile.Type);
        }
        var containers = new List<string>();
        foreach (var container in CheckText.AllContainers(spec))
        {
            if (container.SecurityContext?.AppArmorProfile is { } profile && !AllowedType(profile.Type))
            {
                containers.Add(container.Name);
                values.Add(profile.Type);
            }
        }
        if (containers.Count > 0)
        {
            setters.Add(CheckText.Containers(containers));
        }
        var annotations = (meta.Annotations ?? [])
            .Where(a => a.Key.StartsWith(AnnotationPrefix, StringComparison.Ordinal) && !AllowedAnnotation(a.Value))
            .Select(a => $"{a.Key}={GoValue.Quote(a.Value)}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var listed = CheckText.Sorted(values);
        if (annotations.Count > 0)
        {
            listed.AddRange(annotations);
            setters.Add(CheckText.Pluralize("annotation", "annotations", annotations.Count));
        }
        return setters.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid(CheckText.Pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", listed.Count),
                $"{string.Join(" and ", setters)} must not set AppArmor profile type to {CheckText.JoinQuote(listed)}");
    }
}
