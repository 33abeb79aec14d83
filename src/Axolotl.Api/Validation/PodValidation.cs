using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>Pods on create and update, and pod templates (upstream ValidatePodCreate, ValidatePodUpdate, ValidatePodTemplateSpec).</summary>
public static class PodValidation
{
    public const string UpdatableFields =
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," +
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    private static readonly FieldPath Spec = FieldPath.Of("spec");

    public static List<FieldError> ValidateCreate(Pod pod)
    {
        var spec = pod.Spec ?? new PodSpec();
        var errors = MetadataAndSpec(pod.Metadata, spec);
        if (spec.EphemeralContainers is { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(Spec.Child("ephemeralContainers"), "cannot be set on create"));
        }
        if (!string.IsNullOrEmpty(spec.NodeName) && spec.SchedulingGates is { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(Spec.Child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
        }
        return errors;
    }

    /// <summary>
    /// An update through the main resource: only images, activeDeadlineSeconds (lowered), toleration
    /// additions and scheduling-gate removals may change. Status is not checked here.
    /// </summary>
    public static List<FieldError> ValidateUpdate(Pod pod, Pod old)
    {
        var spec = pod.Spec ?? new PodSpec();
        var oldSpec = old.Spec ?? new PodSpec();
        var errors = MetadataValidation.ValidateObjectMetaUpdate(pod.Metadata, old.Metadata, FieldPath.Of("metadata"));
        errors.AddRange(MetadataAndSpec(pod.Metadata, spec));

        if (!ContainerUpdates(spec.Containers, oldSpec.Containers, Spec.Child("containers"), errors) ||
            !ContainerUpdates(spec.InitContainers ?? [], oldSpec.InitContainers ?? [], Spec.Child("initContainers"), errors))
        {
            return errors;
        }

        if (spec.ActiveDeadlineSeconds is { } deadline)
        {
            if (deadline < 0 || deadline > int.MaxValue)
            {
                errors.Add(FieldError.Invalid(Spec.Child("activeDeadlineSeconds"), deadline, NameRules.InclusiveRangeError(0, int.MaxValue)));
                return errors;
            }
            if (oldSpec.ActiveDeadlineSeconds is { } oldDeadline && oldDeadline < deadline)
            {
                errors.Add(FieldError.Invalid(Spec.Child("activeDeadlineSeconds"), deadline, "must be less than or equal to previous value"));
                return errors;
            }
        }
        else if (oldSpec.ActiveDeadlineSeconds is not null)
        {
            errors.Add(FieldError.Invalid(Spec.Child("activeDeadlineSeconds"), null, "must not update from a positive integer to nil value"));
        }

        errors.AddRange(OnlyAddedTolerations(spec.Tolerations, oldSpec.Tolerations, Spec.Child("tolerations")));
        errors.AddRange(OnlyDeletedSchedulingGates(spec.SchedulingGates, oldSpec.SchedulingGates, Spec.Child("schedulingGates")));

        if (SpecDiff.AreEqual(spec, oldSpec))
        {
            return errors;
        }

        // Undo the permitted changes on a copy; anything that still differs is a forbidden change.
        var munged = KubeClone(spec);
        for (var i = 0; i < munged.Containers.Count; i++)
        {
            munged.Containers[i].Image = oldSpec.Containers[i].Image;
        }
        for (var i = 0; i < (munged.InitContainers?.Count ?? 0); i++)
        {
            munged.InitContainers![i].Image = oldSpec.InitContainers![i].Image;
        }
        munged.ActiveDeadlineSeconds = oldSpec.ActiveDeadlineSeconds;
        munged.SchedulingGates = oldSpec.SchedulingGates;
        munged.Tolerations = oldSpec.Tolerations;
        if (oldSpec.TerminationGracePeriodSeconds is < 0 && munged.TerminationGracePeriodSeconds == 1)
        {
            munged.TerminationGracePeriodSeconds = oldSpec.TerminationGracePeriodSeconds;
        }
        if (oldSpec.SchedulingGates is { Count: > 0 })
        {
            // A gated pod may still gain node selector entries and node affinity before it is scheduled.
            munged.NodeSelector = oldSpec.NodeSelector;
            if (munged.Affinity is not null)
            {
                munged.Affinity.NodeAffinity = oldSpec.Affinity?.NodeAffinity;
            }
        }

        if (!SpecDiff.AreEqual(munged, oldSpec))
        {
            errors.Add(FieldError.Forbidden(Spec, $"pod updates may not change fields other than {UpdatableFields}\n{SpecDiff.Describe(oldSpec, munged)}"));
        }
        return errors;
    }

    /// <summary>
    /// A write through pods/status (upstream's ValidatePodStatusUpdate, the share of it checked here): the
    /// metadata update only. The spec is the stored pod's there (the status subresource keeps everything but
    /// status), so validating it again, as an update through the main resource does, finds nothing new;
    /// upstream does not either, and it was the largest cost of the agents' status writes.
    /// </summary>
    public static List<FieldError> ValidateStatusUpdate(Pod pod, Pod old) =>
        MetadataValidation.ValidateObjectMetaUpdate(pod.Metadata, old.Metadata, FieldPath.Of("metadata"));

    /// <summary>
    /// A write through pods/ephemeralcontainers (upstream ValidatePodEphemeralContainersUpdate): the pod
    /// as a whole must stay valid (so new ephemeral containers are checked as such), and the ones it
    /// had may be neither removed nor changed. Only spec.ephemeralContainers differs from the stored pod here.
    /// </summary>
    public static List<FieldError> ValidateEphemeralContainersUpdate(Pod pod, Pod old)
    {
        var errors = MetadataValidation.ValidateObjectMetaUpdate(pod.Metadata, old.Metadata, FieldPath.Of("metadata"));
        errors.AddRange(MetadataAndSpec(pod.Metadata, pod.Spec ?? new PodSpec()));
        if (old.Metadata.Annotations?.ContainsKey(WellKnown.AnnotationMirrorPod) == true)
        {
            return [FieldError.Forbidden(FieldPath.Of(""), "static pods do not support ephemeral containers")];
        }
        var path = Spec.Child("ephemeralContainers");
        var updated = (pod.Spec?.EphemeralContainers ?? []).GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var existing in old.Spec?.EphemeralContainers ?? [])
        {
            if (!updated.TryGetValue(existing.Name, out var now))
            {
                errors.Add(FieldError.Forbidden(path, $"existing ephemeral containers \"{existing.Name}\" may not be removed\n"));
            }
            else if (!SpecDiff.AreEqual(existing, now))
            {
                errors.Add(FieldError.Forbidden(path, $"existing ephemeral containers \"{existing.Name}\" may not be changed\n{SpecDiff.Describe(existing, now)}"));
            }
        }
        return errors;
    }

    /// <summary>A pod template embedded in a workload (upstream ValidatePodTemplateSpec).</summary>
    public static List<FieldError> ValidateTemplate(PodTemplateSpec template, FieldPath path)
    {
        var errors = MetadataValidation.ValidateLabels(template.Metadata.Labels, path.Child("labels"));
        errors.AddRange(MetadataValidation.ValidateAnnotations(template.Metadata.Annotations, path.Child("annotations")));
        errors.AddRange(ProbeTimingValidation.Validate(template.Metadata.Annotations, template.Spec, path.Child("annotations")));
        errors.AddRange(PodSpecValidation.Validate(template.Spec, path.Child("spec"), resourceIsPod: false));
        if (template.Spec.EphemeralContainers is { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(path.Child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"));
        }
        return errors;
    }

    /// <summary>A workload's template: it must exist, match the selector, restart Always and have no deadline.</summary>
    public static List<FieldError> ValidateWorkloadTemplate(PodTemplateSpec? template, Func<IReadOnlyDictionary<string, string>, bool>? selectorMatches,
        string kindName, FieldPath path)
    {
        if (template is null)
        {
            return [FieldError.Required(path)];
        }
        var errors = new List<FieldError>();
        var labels = template.Metadata.Labels ?? [];
        if (selectorMatches is not null && !selectorMatches(labels))
        {
            errors.Add(FieldError.Invalid(path.Child("metadata", "labels"), template.Metadata.Labels ?? new Dictionary<string, string>(),
                "`selector` does not match template `labels`"));
        }
        errors.AddRange(ValidateTemplate(template, path));
        if (template.Spec.RestartPolicy != "Always")
        {
            errors.Add(FieldError.NotSupported(path.Child("spec", "restartPolicy"), template.Spec.RestartPolicy ?? "", ["Always"]));
        }
        if (template.Spec.ActiveDeadlineSeconds is not null)
        {
            errors.Add(FieldError.Forbidden(path.Child("spec", "activeDeadlineSeconds"), $"activeDeadlineSeconds in {kindName} is not Supported"));
        }
        return errors;
    }

    private static List<FieldError> MetadataAndSpec(ObjectMeta meta, PodSpec spec)
    {
        var metadata = FieldPath.Of("metadata");
        var errors = MetadataValidation.ValidateObjectMeta(meta, requiresNamespace: true, MetadataValidation.DnsSubdomain, metadata);
        if (meta.Annotations is { } annotations && annotations.TryGetValue("controller.kubernetes.io/pod-deletion-cost", out var cost) &&
            !int.TryParse(cost, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            errors.Add(FieldError.Invalid(metadata.Child("annotations").Key("controller.kubernetes.io/pod-deletion-cost"), cost, "must be a 32bit integer"));
        }
        errors.AddRange(PodSpecValidation.Validate(spec, Spec, resourceIsPod: true));
        errors.AddRange(ProbeTimingValidation.Validate(meta.Annotations, spec, metadata.Child("annotations")));
        if (string.IsNullOrEmpty(spec.ServiceAccountName))
        {
            for (var v = 0; v < (spec.Volumes?.Count ?? 0); v++)
            {
                for (var s = 0; s < (spec.Volumes![v].Projected?.Sources?.Count ?? 0); s++)
                {
                    if (spec.Volumes[v].Projected!.Sources![s].ServiceAccountToken is not null)
                    {
                        errors.Add(FieldError.Forbidden(Spec.Child("volumes").Index(v).Child("projected", "sources").Index(s).Child("serviceAccountToken"),
                            "must not be specified when serviceAccountName is not set"));
                    }
                }
            }
        }
        for (var i = 0; i < spec.Containers.Count; i++)
        {
            errors.AddRange(ContainerValidation.ImageWhitespace(spec.Containers[i], Spec.Child("containers").Index(i)));
        }
        for (var i = 0; i < (spec.InitContainers?.Count ?? 0); i++)
        {
            errors.AddRange(ContainerValidation.ImageWhitespace(spec.InitContainers![i], Spec.Child("initContainers").Index(i)));
        }
        return errors;
    }

    private static bool ContainerUpdates(List<Container> updated, List<Container> old, FieldPath path, List<FieldError> errors)
    {
        if (updated.Count != old.Count)
        {
            errors.Add(FieldError.Forbidden(path, "pod updates may not add or remove containers"));
            return false;
        }
        for (var i = 0; i < updated.Count; i++)
        {
            var image = updated[i].Image ?? "";
            if (image.Length == 0)
            {
                errors.Add(FieldError.Required(path.Index(i).Child("image")));
            }
            if (image.Trim().Length != image.Length)
            {
                errors.Add(FieldError.Invalid(path.Index(i).Child("image"), image, "must not have leading or trailing whitespace"));
            }
        }
        return true;
    }

    private static List<FieldError> OnlyAddedTolerations(List<Toleration>? updated, List<Toleration>? old, FieldPath path)
    {
        static string Key(Toleration t) => $"{t.Key}\u0000{t.Operator}\u0000{t.Value}\u0000{t.Effect}";
        var current = (updated ?? []).Select(Key).ToHashSet(StringComparer.Ordinal);
        if ((old ?? []).Any(t => !current.Contains(Key(t))))
        {
            return [FieldError.Forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
        }
        return PodSpecValidation.ValidateTolerations(updated, path);
    }

    private static List<FieldError> OnlyDeletedSchedulingGates(List<PodSchedulingGate>? updated, List<PodSchedulingGate>? old, FieldPath path)
    {
        var previous = (old ?? []).Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var errors = new List<FieldError>();
        for (var i = 0; i < (updated?.Count ?? 0); i++)
        {
            if (!previous.Contains(updated![i].Name))
            {
                errors.Add(FieldError.Forbidden(path.Index(i).Child("name"), $"only deletion is allowed, but found new scheduling gate '{updated[i].Name}'"));
            }
        }
        return errors;
    }

    private static PodSpec KubeClone(PodSpec spec) =>
        Serialization.KubeJson.Deserialize<PodSpec>(Serialization.KubeJson.Serialize(spec)) ?? new PodSpec();
}
