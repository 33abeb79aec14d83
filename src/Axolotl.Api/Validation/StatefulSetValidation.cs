using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Validation;

/// <summary>
/// StatefulSets as upstream's apps validation (1.32): the name is a DNS label (pods are named
/// &lt;name&gt;-&lt;ordinal&gt; and are their own hostname), only the template's labels and annotations are
/// checked (upstream leaves the pod spec to pod creation, since mounts may name claim templates),
/// and an update may change nothing in spec but replicas, ordinals, template, updateStrategy,
/// persistentVolumeClaimRetentionPolicy and minReadySeconds.
/// </summary>
public static class StatefulSetValidation
{
    private static readonly FieldPath Spec = FieldPath.Of("spec");

    /// <summary>The spec fields an update may change; the others are compared as a whole.</summary>
    private static readonly string[] Mutable = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

    public const string ImmutableSpecMessage =
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

    public static List<FieldError> Validate(StatefulSet statefulSet, StatefulSet? old)
    {
        // Upstream does not re-validate the name on update: older servers allowed DNS subdomains.
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(statefulSet.Metadata, requiresNamespace: true, MetadataValidation.DnsLabel, FieldPath.Of("metadata"))
            : MetadataValidation.ValidateObjectMetaUpdate(statefulSet.Metadata, old.Metadata, FieldPath.Of("metadata"));
        var spec = statefulSet.Spec ?? new StatefulSetSpec();
        errors.AddRange(ValidateSpec(spec));
        if (old is not null && !ImmutablePartEqual(spec, old.Spec ?? new StatefulSetSpec()))
        {
            errors.Add(FieldError.Forbidden(Spec, ImmutableSpecMessage));
        }
        return errors;
    }

    /// <summary>Non-negative counters, none above status.replicas, collisionCount never decremented.</summary>
    public static List<FieldError> ValidateStatus(StatefulSetStatus status, StatefulSetStatus? old)
    {
        var path = FieldPath.Of("status");
        var errors = new List<FieldError>();
        errors.AddRange(MetadataValidation.NonNegative(status.Replicas, path.Child("replicas")));
        errors.AddRange(MetadataValidation.NonNegative(status.ReadyReplicas, path.Child("readyReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(status.CurrentReplicas, path.Child("currentReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(status.UpdatedReplicas, path.Child("updatedReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(status.AvailableReplicas, path.Child("availableReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(status.ObservedGeneration, path.Child("observedGeneration")));
        errors.AddRange(MetadataValidation.NonNegative(status.CollisionCount, path.Child("collisionCount")));
        const string aboveReplicas = "cannot be greater than status.replicas";
        if (status.ReadyReplicas > status.Replicas)
        {
            errors.Add(FieldError.Invalid(path.Child("readyReplicas"), status.ReadyReplicas.Value, aboveReplicas));
        }
        if (status.CurrentReplicas > status.Replicas)
        {
            errors.Add(FieldError.Invalid(path.Child("currentReplicas"), status.CurrentReplicas.Value, aboveReplicas));
        }
        if (status.UpdatedReplicas > status.Replicas)
        {
            errors.Add(FieldError.Invalid(path.Child("updatedReplicas"), status.UpdatedReplicas.Value, aboveReplicas));
        }
        if (status.AvailableReplicas > status.Replicas)
        {
            errors.Add(FieldError.Invalid(path.Child("availableReplicas"), status.AvailableReplicas, aboveReplicas));
        }
        if (status.AvailableReplicas > (status.ReadyReplicas ?? 0))
        {
            errors.Add(FieldError.Invalid(path.Child("availableReplicas"), status.AvailableReplicas, "cannot be greater than status.readyReplicas"));
        }
        if ((status.CollisionCount ?? 0) < (old?.CollisionCount ?? 0))
        {
            errors.Add(FieldError.Invalid(path.Child("collisionCount"), status.CollisionCount ?? 0, "cannot be decremented"));
        }
        return errors;
    }

    private static List<FieldError> ValidateSpec(StatefulSetSpec spec)
    {
        var errors = new List<FieldError>();
        switch (spec.PodManagementPolicy ?? "")
        {
            case "":
                errors.Add(FieldError.Required(Spec.Child("podManagementPolicy")));
                break;
            case "OrderedReady" or "Parallel":
                break;
            default:
                errors.Add(FieldError.Invalid(Spec.Child("podManagementPolicy"), spec.PodManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
                break;
        }
        errors.AddRange(ValidateUpdateStrategy(spec.UpdateStrategy));
        if (spec.PersistentVolumeClaimRetentionPolicy is { } policy)
        {
            var path = Spec.Child("persistentVolumeClaimRetentionPolicy");
            errors.AddRange(RetentionType(policy.WhenDeleted, path.Child("whenDeleted")));
            errors.AddRange(RetentionType(policy.WhenScaled, path.Child("whenScaled")));
        }
        errors.AddRange(MetadataValidation.NonNegative(spec.Replicas, Spec.Child("replicas")));
        errors.AddRange(MetadataValidation.NonNegative(spec.MinReadySeconds, Spec.Child("minReadySeconds")));
        if (spec.Ordinals is { } ordinals)
        {
            errors.AddRange(MetadataValidation.NonNegative(ordinals.Start, Spec.Child("ordinals.start")));
        }
        if (spec.Selector is null)
        {
            errors.Add(FieldError.Required(Spec.Child("selector")));
        }
        else
        {
            errors.AddRange(MetadataValidation.ValidateLabelSelector(spec.Selector, Spec.Child("selector")));
            if (SelectorMatch.IsEmpty(spec.Selector))
            {
                errors.Add(FieldError.Invalid(Spec.Child("selector"), SelectorMatch.GoSyntax(spec.Selector), "empty selector is invalid for statefulset"));
            }
        }
        var template = Spec.Child("template");
        var predicate = SelectorMatch.ToPredicate(spec.Selector);
        if (predicate is null)
        {
            errors.Add(FieldError.Invalid(Spec.Child("selector"), SelectorMatch.GoSyntax(spec.Selector), ""));
        }
        else
        {
            if (spec.Selector is not null && !SelectorMatch.IsEmpty(spec.Selector) && !predicate(spec.Template.Metadata.Labels ?? []))
            {
                errors.Add(FieldError.Invalid(template.Child("metadata", "labels"), spec.Template.Metadata.Labels ?? new Dictionary<string, string>(),
                    "`selector` does not match template `labels`"));
            }
            errors.AddRange(MetadataValidation.ValidateLabels(spec.Template.Metadata.Labels, template.Child("labels")));
            errors.AddRange(MetadataValidation.ValidateAnnotations(spec.Template.Metadata.Annotations, template.Child("annotations")));
        }
        if (spec.Template.Spec.RestartPolicy != "Always")
        {
            errors.Add(FieldError.NotSupported(template.Child("spec", "restartPolicy"), spec.Template.Spec.RestartPolicy ?? "", ["Always"]));
        }
        if (spec.Template.Spec.ActiveDeadlineSeconds is not null)
        {
            errors.Add(FieldError.Forbidden(template.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in StatefulSet is not Supported"));
        }
        return errors;
    }

    private static List<FieldError> ValidateUpdateStrategy(StatefulSetUpdateStrategy? strategy)
    {
        var path = Spec.Child("updateStrategy");
        var errors = new List<FieldError>();
        switch (strategy?.Type ?? "")
        {
            case "":
                errors.Add(FieldError.Required(path));
                break;
            case "OnDelete":
                if (strategy!.RollingUpdate is not null)
                {
                    errors.Add(FieldError.Invalid(path.Child("rollingUpdate"), Go(strategy.RollingUpdate), "only allowed for updateStrategy 'RollingUpdate'"));
                }
                break;
            case "RollingUpdate":
                if (strategy!.RollingUpdate is { } rolling)
                {
                    var rollingPath = path.Child("rollingUpdate");
                    errors.AddRange(MetadataValidation.NonNegative(rolling.Partition ?? 0, rollingPath.Child("partition")));
                    if (rolling.MaxUnavailable is { } maxUnavailable)
                    {
                        errors.AddRange(WorkloadValidation.PositiveIntOrPercent(maxUnavailable, rollingPath.Child("maxUnavailable")));
                        if (maxUnavailable.TryGetInt(out var n) ? n == 0 : maxUnavailable.StringValue == "0%")
                        {
                            errors.Add(FieldError.Invalid(rollingPath.Child("maxUnavailable"), SelectorMatch.GoSyntax(maxUnavailable), "cannot be 0"));
                        }
                        errors.AddRange(WorkloadValidation.NotMoreThan100Percent(maxUnavailable, rollingPath.Child("maxUnavailable")));
                    }
                }
                break;
            default:
                errors.Add(FieldError.Invalid(path, Go(strategy), "must be 'RollingUpdate' or 'OnDelete'"));
                break;
        }
        return errors;
    }

    private static List<FieldError> RetentionType(string? value, FieldPath path) =>
        value is "Retain" or "Delete" ? [] : [FieldError.NotSupported(path, value ?? "", ["Retain", "Delete"])];

    /// <summary>Upstream prints the struct with %v; the JSON is what a user can read back.</summary>
    private static GoValue.GoSyntax Go<T>(T value) =>
        new(JsonSerializer.Serialize(value, KubeJson.Options));

    private static bool ImmutablePartEqual(StatefulSetSpec spec, StatefulSetSpec old) =>
        SpecDiff.AreEqual(WithoutMutable(spec), WithoutMutable(old));

    private static JsonObject WithoutMutable(StatefulSetSpec spec)
    {
        var node = JsonSerializer.SerializeToNode(spec, KubeJson.Options) as JsonObject ?? [];
        foreach (var field in Mutable)
        {
            node.Remove(field);
        }
        return node;
    }
}
