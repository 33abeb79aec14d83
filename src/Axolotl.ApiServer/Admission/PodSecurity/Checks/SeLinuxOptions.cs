using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Baseline: seLinuxOptions may set only a container type (container_t, container_init_t,
/// container_kvm_t; from v1.31 also container_engine_t), never a user or role.
/// </summary>
public static class SeLinuxOptions
{
    private static readonly HashSet<string> TypesV1Dot0 = new(StringComparer.Ordinal) { "", "container_t", "container_init_t", "container_kvm_t" };
    private static readonly HashSet<string> TypesV1Dot31 = new(TypesV1Dot0, StringComparer.Ordinal) { "container_engine_t" };

    public static PodSecurityCheck Check { get; } = new("seLinuxOptions", PodSecurityLevel.Baseline,
    [
        new(PolicyVersion.V1(0), (meta, spec) => Evaluate(spec, TypesV1Dot0)),
        new(PolicyVersion.V1(31), (meta, spec) => Evaluate(spec, TypesV1Dot31)),
    ]);

    private static CheckResult Evaluate(PodSpec spec, HashSet<string> allowedTypes)
    {
        var badTypes = new List<string>();
        var setUser = false;
        var setRole = false;
        bool Valid(SELinuxOptions options)
        {
            var valid = true;
            if (!allowedTypes.Contains(options.Type ?? ""))
            {
                valid = false;
                badTypes.Add(options.Type ?? "");
            }
            if (!string.IsNullOrEmpty(options.User))
            {
                valid = false;
                setUser = true;
            }
            if (!string.IsNullOrEmpty(options.Role))
            {
                valid = false;
                setRole = true;
            }
            return valid;
        }

        var setters = new List<string>();
        if (spec.SecurityContext?.SeLinuxOptions is { } podOptions && !Valid(podOptions))
        {
            setters.Add("pod");
        }
        var containers = CheckText.AllContainers(spec)
            .Where(c => c.SecurityContext?.SeLinuxOptions is { } options && !Valid(options))
            .Select(c => c.Name)
            .ToList();
        if (containers.Count > 0)
        {
            setters.Add(CheckText.Containers(containers));
        }
        if (setters.Count == 0)
        {
            return CheckResult.Allow;
        }
        var problems = new List<string>();
        var types = CheckText.Sorted(badTypes);
        if (types.Count > 0)
        {
            problems.Add($"{CheckText.Pluralize("type", "types", types.Count)} {CheckText.JoinQuote(types)}");
        }
        if (setUser)
        {
            problems.Add("user may not be set");
        }
        if (setRole)
        {
            problems.Add("role may not be set");
        }
        return CheckResult.Forbid("seLinuxOptions",
            $"{string.Join(" and ", setters)} set forbidden securityContext.seLinuxOptions: {string.Join("; ", problems)}");
    }
}
