using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>
/// PodSpec and Container fields Axolotl stores but could not honour, refused at admission instead of
/// ignored (issue 32; the ledger of every field is docs/pod-fields.md): dynamic resource allocation
/// (resourceClaims, resources.claims), RuntimeClasses, Windows pods, pod-level resources, in-place
/// resize policies, raw block devices, pod overhead, PriorityClasses other than the system ones, and
/// scheduling terms the scheduler does not evaluate (pod (anti-)affinity, preferred node affinity,
/// hard or non-hostname topology spread). securityContext fields are refused by
/// <see cref="UnsupportedSecurityValidation"/>, Bidirectional mount propagation by <see cref="VolumeValidation"/>.
/// </summary>
public static class UnsupportedPodFieldsValidation
{
    /// <summary>The PriorityClasses every cluster has (upstream's scheduling.SystemPriorityClasses), the only ones Axolotl knows.</summary>
    public static readonly IReadOnlyDictionary<string, int> SystemPriorities = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["system-node-critical"] = 2000001000,
        ["system-cluster-critical"] = 2000000000,
    };

    public static List<FieldError> Validate(PodSpec spec, FieldPath specPath)
    {
        var errors = new List<FieldError>();
        if (spec.ResourceClaims is { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(specPath.Child("resourceClaims"), "resourceClaims is not supported by Axolotl: it serves no dynamic resource allocation (resource.k8s.io)"));
        }

        if (!string.IsNullOrEmpty(spec.RuntimeClassName))
        {
            errors.Add(FieldError.Forbidden(specPath.Child("runtimeClassName"), "runtimeClassName is not supported by Axolotl: its nodes have one container runtime and it serves no RuntimeClasses"));
        }

        if (spec.Os is { Name: "windows" })
        {
            errors.Add(FieldError.Forbidden(specPath.Child("os", "name"), "windows is not supported by Axolotl: it runs Linux containers only"));
        }

        if (spec.Overhead is { Count: > 0 })
        {
            // Upstream's RuntimeClass admission refuses an overhead no RuntimeClass set.
            errors.Add(FieldError.Forbidden(specPath.Child("overhead"), "overhead is set from a RuntimeClass, and Axolotl serves none: pod overhead is not supported by Axolotl"));
        }

        if (!string.IsNullOrEmpty(spec.PriorityClassName) && !SystemPriorities.ContainsKey(spec.PriorityClassName))
        {
            errors.Add(FieldError.Forbidden(specPath.Child("priorityClassName"),
                $"priorityClassName {spec.PriorityClassName} is not supported by Axolotl: it serves no PriorityClasses, only the built-in system-node-critical and system-cluster-critical"));
        }

        if (spec.Affinity?.PodAffinity is not null)
        {
            errors.Add(FieldError.Forbidden(specPath.Child("affinity", "podAffinity"), "podAffinity is not supported by Axolotl's scheduler: it places pods by node selectors, node affinity, taints, resources and spreading only"));
        }

        if (spec.Affinity?.PodAntiAffinity is not null)
        {
            errors.Add(FieldError.Forbidden(specPath.Child("affinity", "podAntiAffinity"), "podAntiAffinity is not supported by Axolotl's scheduler: it places pods by node selectors, node affinity, taints, resources and spreading only"));
        }

        if (spec.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution is { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(specPath.Child("affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
                "preferred node affinity is not supported by Axolotl's scheduler: use requiredDuringSchedulingIgnoredDuringExecution or nodeSelector"));
        }

        for (var i = 0; i < (spec.TopologySpreadConstraints?.Count ?? 0); i++)
        {
            // The scheduler's spreading scores nodes by the pods of the same set on each: a soft spread by hostname, nothing more.
            var constraint = spec.TopologySpreadConstraints![i];
            if (constraint.WhenUnsatisfiable != "ScheduleAnyway" || constraint.TopologyKey != WellKnown.LabelHostname)
            {
                errors.Add(FieldError.Forbidden(specPath.Child("topologySpreadConstraints").Index(i),
                    "only whenUnsatisfiable ScheduleAnyway over topologyKey kubernetes.io/hostname is supported by Axolotl's scheduler (a soft spread across nodes); DoNotSchedule and other topology keys are not"));
            }
        }

        if (spec.Resources is not null)
        {
            errors.Add(FieldError.Forbidden(specPath.Child("resources"), "pod-level resources are not supported by Axolotl (the PodLevelResources feature, alpha and off by default in Kubernetes 1.32): set them per container"));
        }

        foreach (var (containers, name) in new (IReadOnlyList<Container>?, string)[]
            { (spec.InitContainers, "initContainers"), (spec.Containers, "containers"), (spec.EphemeralContainers, "ephemeralContainers") })
        {
            for (var i = 0; i < (containers?.Count ?? 0); i++)
            {
                var container = containers![i];
                var path = specPath.Child(name).Index(i);
                if (container.Resources?.Claims is { Count: > 0 })
                {
                    errors.Add(FieldError.Forbidden(path.Child("resources", "claims"), "resources.claims is not supported by Axolotl: it serves no dynamic resource allocation (resource.k8s.io)"));
                }

                if (container.ResizePolicy is { Count: > 0 })
                {
                    errors.Add(FieldError.Forbidden(path.Child("resizePolicy"), "resizePolicy is not supported by Axolotl: a pod's resources are not resized in place (InPlacePodVerticalScaling), so it would govern nothing"));
                }

                if (container.VolumeDevices is { Count: > 0 })
                {
                    errors.Add(FieldError.Forbidden(path.Child("volumeDevices"), "volumeDevices is not supported by Axolotl: it provisions no raw block volumes (volumeMode: Block)"));
                }
            }
        }

        return errors;
    }
}
