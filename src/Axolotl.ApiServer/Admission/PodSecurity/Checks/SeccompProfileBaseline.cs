using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Baseline: a seccomp profile, where one is set, is the runtime's default or a node-local profile.
/// Up to v1.18 the alpha annotations carried it (runtime/default, docker/default, localhost/*); from
/// v1.19 the securityContext fields do (RuntimeDefault, Localhost). Restricted replaces this check
/// from v1.19 with <see cref="SeccompProfileRestricted"/>.
/// </summary>
public static class SeccompProfileBaseline
{
    public const string Id = "seccompProfile_baseline";
    private const string PodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
    private const string ContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/";

    public static PodSecurityCheck Check { get; } = new(Id, PodSecurityLevel.Baseline,
    [
        new(PolicyVersion.V1(0), EvaluateAnnotations),
        new(PolicyVersion.V1(19), EvaluateFields),
    ]);

    internal static bool AllowedType(string type) => type is "RuntimeDefault" or "Localhost";

    private static bool AllowedAnnotation(string value) =>
        value is "runtime/default" or "docker/default" || value.StartsWith("localhost/", StringComparison.Ordinal);

    private static CheckResult EvaluateAnnotations(ObjectMeta meta, PodSpec spec)
    {
        var annotations = meta.Annotations ?? [];
        var forbidden = new List<string>();
        if (annotations.TryGetValue(PodAnnotation, out var podValue) && !AllowedAnnotation(podValue))
        {
            forbidden.Add($"{PodAnnotation}={GoValue.Quote(podValue)}");
        }
        foreach (var container in CheckText.AllContainers(spec))
        {
            var key = ContainerAnnotationPrefix + container.Name;
            if (annotations.TryGetValue(key, out var value) && !AllowedAnnotation(value))
            {
                forbidden.Add($"{key}={GoValue.Quote(value)}");
            }
        }
        var listed = CheckText.Sorted(forbidden);
        return listed.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("seccompProfile", $"forbidden {CheckText.Pluralize("annotation", "annotations", listed.Count)} {string.Join(", ", listed)}");
    }

    private static CheckResult EvaluateFields(ObjectMeta meta, PodSpec spec)
    {
        var setters = new List<string>();
        var values = new List<string>();
        if (spec.SecurityContext?.SeccompProfile is { } podProfile && !AllowedType(podProfile.Type))
        {
            setters.Add("pod");
            values.Add(podProfile.Type);
        }
        var containers = new List<string>();
        foreach (var container in CheckText.AllContainers(spec))
        {
            if (container.SecurityContext?.SeccompProfile is { } profile && !AllowedType(profile.Type))
            {
                containers.Add(container.Name);
                values.Add(profile.Type);
            }
        }
        if (containers.Count > 0)
        {
            setters.Add(CheckText.Containers(containers));
        }
        return setters.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("seccompProfile",
                $"{string.Join(" and ", setters)} must not set securityContext.seccompProfile.type to {CheckText.JoinQuote(CheckText.Sorted(values))}");
    }
}
