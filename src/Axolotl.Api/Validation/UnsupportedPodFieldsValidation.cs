using Axolotl.Api.Core;

namespace Axolotl.Api.Validation;

/// <summary>
/// PodSpec and Container fields Axolotl stores but could not honour, refused at admission instead of
/// ignored (issue 32; the ledger of every field is docs/pod-fields.md): dynamic resource allocation
/// (resourceClaims, resources.claims), RuntimeClasses, Windows pods, pod-level resources, in-place
/// resize policies, raw block devices and pod overhead (the scheduler evaluates every affinity and
/// topology spread term). securityContext fields are refused by
/// <see cref="UnsupportedSecurityValidation"/>, Bidirectional mount propagation by <see cref="VolumeValidation"/>.
/// </summary>
public static class UnsupportedPodFieldsValidation
{
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
