using System.Globalization;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>Deployments, ReplicaSets, DaemonSets, ReplicationControllers and ControllerRevisions (upstream apps validation).</summary>
public static class WorkloadValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly FieldPath Spec = FieldPath.Of("spec");

    public static List<FieldError> ValidateDeployment(Deployment deployment, Deployment? old)
    {
        var errors = MetaFor(deployment.Metadata, old?.Metadata);
        var spec = deployment.Spec ?? new DeploymentSpec();
        errors.AddRange(MetadataValidation.NonNegative(spec.Replicas, Spec.Child("replicas")));
        errors.AddRange(SelectorAndTemplate(spec.Selector, spec.Template, "Deployment", "deployment"));
        errors.AddRange(ValidateStrategy(spec.Strategy, Spec.Child("strategy")));
        errors.AddRange(MetadataValidation.NonNegative(spec.MinReadySeconds, Spec.Child("minReadySeconds")));
        errors.AddRange(MetadataValidation.NonNegative(spec.RevisionHistoryLimit, Spec.Child("revisionHistoryLimit")));
        if (spec.ProgressDeadlineSeconds is { } deadline)
        {
            errors.AddRange(MetadataValidation.NonNegative(deadline, Spec.Child("progressDeadlineSeconds")));
            if (deadline <= (spec.MinReadySeconds ?? 0))
            {
                errors.Add(FieldError.Invalid(Spec.Child("progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds"));
            }
        }
        if (old is not null)
        {
            errors.AddRange(SelectorImmutable(spec.Selector, old.Spec?.Selector));
        }
        return errors;
    }

    public static List<FieldError> ValidateReplicaSet(ReplicaSet replicaSet, ReplicaSet? old)
    {
        var errors = MetaFor(replicaSet.Metadata, old?.Metadata);
        var spec = replicaSet.Spec ?? new ReplicaSetSpec();
        errors.AddRange(MetadataValidation.NonNegative(spec.Replicas, Spec.Child("replicas")));
        errors.AddRange(MetadataValidation.NonNegative(spec.MinReadySeconds, Spec.Child("minReadySeconds")));
        // Upstream's ReplicaSet check reuses the Deployment wording for an empty selector.
        errors.AddRange(SelectorAndTemplate(spec.Selector, spec.Template, "ReplicaSet", "deployment"));
        if (old is not null)
        {
            errors.AddRange(SelectorImmutable(spec.Selector, old.Spec?.Selector));
        }
        return errors;
    }

    public static List<FieldError> ValidateDaemonSet(DaemonSet daemonSet, DaemonSet? old)
    {
        var errors = MetaFor(daemonSet.Metadata, old?.Metadata);
        var spec = daemonSet.Spec ?? new DaemonSetSpec();
        errors.AddRange(MetadataValidation.ValidateLabelSelector(spec.Selector, Spec.Child("selector")));
        var predicate = SelectorMatch.ToPredicate(spec.Selector);
        if (predicate is not null && !predicate(spec.Template.Metadata.Labels ?? []))
        {
            errors.Add(FieldError.Invalid(Spec.Child("template", "metadata", "labels"), spec.Template.Metadata.Labels ?? new Dictionary<string, string>(),
                "`selector` does not match template `labels`"));
        }
        if (SelectorMatch.IsEmpty(spec.Selector))
        {
            errors.Add(FieldError.Invalid(Spec.Child("selector"), SelectorMatch.GoSyntax(spec.Selector), "empty selector is invalid for daemonset"));
        }
        errors.AddRange(PodValidation.ValidateWorkloadTemplate(spec.Template, null, "DaemonSet", Spec.Child("template")));
        errors.AddRange(MetadataValidation.NonNegative(spec.MinReadySeconds, Spec.Child("minReadySeconds")));
        errors.AddRange(ValidateDaemonSetStrategy(spec.UpdateStrategy, Spec.Child("updateStrategy")));
        errors.AddRange(MetadataValidation.NonNegative(spec.RevisionHistoryLimit, Spec.Child("revisionHistoryLimit")));
        if (old is not null)
        {
            errors.AddRange(SelectorImmutable(spec.Selector, old.Spec?.Selector));
        }
        return errors;
    }

    public static List<FieldError> ValidateReplicationController(ReplicationController controller, ReplicationController? old)
    {
        var errors = MetaFor(controller.Metadata, old?.Metadata);
        var spec = controller.Spec ?? new ReplicationControllerSpec();
        errors.AddRange(MetadataValidation.NonNegative(spec.MinReadySeconds, Spec.Child("minReadySeconds")));
        if (spec.Selector is null or { Count: 0 })
        {
            errors.Add(FieldError.Required(Spec.Child("selector")));
        }
        errors.AddRange(MetadataValidation.NonNegative(spec.Replicas, Spec.Child("replicas")));
        var selector = spec.Selector ?? [];
        Func<IReadOnlyDictionary<string, string>, bool>? matches = selector.Count == 0
            ? null
            : labels => selector.All(kv => labels.TryGetValue(kv.Key, out var value) && value == kv.Value);
        errors.AddRange(PodValidation.ValidateWorkloadTemplate(spec.Template, matches, "ReplicationController", Spec.Child("template")));
        return errors;
    }

    public static List<FieldError> ValidateControllerRevision(ControllerRevision revision, ControllerRevision? old)
    {
        var errors = MetaFor(revision.Metadata, old?.Metadata);
        if (revision.Data is null)
        {
            errors.Add(FieldError.Required(FieldPath.Of("data"), "data is mandatory"));
        }
        errors.AddRange(MetadataValidation.NonNegative(revision.Revision, FieldPath.Of("revision")));
        if (old is not null && !SpecDiff.AreEqual(revision.Data, old.Data))
        {
            errors.Add(FieldError.Invalid(FieldPath.Of("data"), new GoValue.GoSyntax("runtime.RawExtension{…}"), MetadataValidation.FieldImmutable));
        }
        return errors;
    }

    /// <summary>Non-negative counts, and no count above status.replicas (upstream Validate*Status).</summary>
    public static List<FieldError> ValidateReplicaCounts(long? observedGeneration, int replicas, int? updated, int? ready, int? available, int? unavailable, int? fullyLabeled)
    {
        var path = FieldPath.Of("status");
        var errors = new List<FieldError>();
        errors.AddRange(MetadataValidation.NonNegative(observedGeneration, path.Child("observedGeneration")));
        errors.AddRange(MetadataValidation.NonNegative(replicas, path.Child("replicas")));
        errors.AddRange(MetadataValidation.NonNegative(fullyLabeled, path.Child("fullyLabeledReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(updated, path.Child("updatedReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(ready, path.Child("readyReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(available, path.Child("availableReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(unavailable, path.Child("unavailableReplicas")));
        const string aboveReplicas = "cannot be greater than status.replicas";
        if (fullyLabeled > replicas)
        {
            errors.Add(FieldError.Invalid(path.Child("fullyLabeledReplicas"), fullyLabeled.Value, aboveReplicas));
        }
        if (updated > replicas)
        {
            errors.Add(FieldError.Invalid(path.Child("updatedReplicas"), updated.Value, aboveReplicas));
        }
        if (ready > replicas)
        {
            errors.Add(FieldError.Invalid(path.Child("readyReplicas"), ready.Value, aboveReplicas));
        }
        if (available > replicas)
        {
            errors.Add(FieldError.Invalid(path.Child("availableReplicas"), available.Value, aboveReplicas));
        }
        if (available > (ready ?? 0))
        {
            errors.Add(FieldError.Invalid(path.Child("availableReplicas"), available!.Value, "cannot be greater than readyReplicas"));
        }
        return errors;
    }

    private static List<FieldError> MetaFor(Meta.ObjectMeta meta, Meta.ObjectMeta? old) =>
        old is null
            ? MetadataValidation.ValidateObjectMeta(meta, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(meta, old, Metadata);

    private static List<FieldError> SelectorAndTemplate(LabelSelector? selector, PodTemplateSpec template, string kindName, string emptyWord)
    {
        var errors = new List<FieldError>();
        if (selector is null)
        {
            errors.Add(FieldError.Required(Spec.Child("selector")));
        }
        else
        {
            errors.AddRange(MetadataValidation.ValidateLabelSelector(selector, Spec.Child("selector")));
            if (SelectorMatch.IsEmpty(selector))
            {
                errors.Add(FieldError.Invalid(Spec.Child("selector"), SelectorMatch.GoSyntax(selector), $"empty selector is invalid for {emptyWord}"));
            }
        }
        var predicate = SelectorMatch.ToPredicate(selector);
        if (predicate is null)
        {
            errors.Add(FieldError.Invalid(Spec.Child("selector"), SelectorMatch.GoSyntax(selector), "invalid label selector"));
            return errors;
        }
        // An empty selector (or none) skips the match check, as upstream's selector.Empty() does.
        var matches = selector is null || SelectorMatch.IsEmpty(selector) ? null : predicate;
        errors.AddRange(PodValidation.ValidateWorkloadTemplate(template, matches, kindName, Spec.Child("template")));
        return errors;
    }

    private static List<FieldError> SelectorImmutable(LabelSelector? selector, LabelSelector? old) =>
        SpecDiff.AreEqual(selector, old)
            ? []
            : [FieldError.Invalid(Spec.Child("selector"), SelectorMatch.GoSyntax(selector), MetadataValidation.FieldImmutable)];

    private static List<FieldError> ValidateStrategy(DeploymentStrategy? strategy, FieldPath path)
    {
        var errors = new List<FieldError>();
        var type = strategy?.Type ?? "";
        switch (type)
        {
            case "Recreate":
                if (strategy!.RollingUpdate is not null)
                {
                    errors.Add(FieldError.Forbidden(path.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"));
                }
                break;
            case "RollingUpdate":
                if (strategy!.RollingUpdate is not { } rolling)
                {
                    errors.Add(FieldError.Required(path.Child("rollingUpdate"), "this should be defaulted and never be nil"));
                    break;
                }
                var rollingPath = path.Child("rollingUpdate");
                var maxUnavailable = rolling.MaxUnavailable ?? IntOrString.FromInt(0);
                var maxSurge = rolling.MaxSurge ?? IntOrString.FromInt(0);
                errors.AddRange(PositiveIntOrPercent(maxUnavailable, rollingPath.Child("maxUnavailable")));
                errors.AddRange(PositiveIntOrPercent(maxSurge, rollingPath.Child("maxSurge")));
                if (IntOrPercentValue(maxUnavailable) == 0 && IntOrPercentValue(maxSurge) == 0)
                {
                    errors.Add(FieldError.Invalid(rollingPath.Child("maxUnavailable"), SelectorMatch.GoSyntax(maxUnavailable), "may not be 0 when `maxSurge` is 0"));
                }
                errors.AddRange(NotMoreThan100Percent(maxUnavailable, rollingPath.Child("maxUnavailable")));
                break;
            default:
                errors.Add(FieldError.NotSupported(path, new GoValue.GoSyntax($"apps.DeploymentStrategy{{Type:{GoValue.Quote(type)}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}}"),
                    ["Recreate", "RollingUpdate"]));
                break;
        }
        return errors;
    }

    private static List<FieldError> ValidateDaemonSetStrategy(DaemonSetUpdateStrategy? strategy, FieldPath path)
    {
        var errors = new List<FieldError>();
        var type = strategy?.Type ?? "";
        switch (type)
        {
            case "OnDelete":
                break;
            case "RollingUpdate":
                if (strategy!.RollingUpdate is not { } rolling)
                {
                    errors.Add(FieldError.Required(path.Child("rollingUpdate")));
                    break;
                }
                var rollingPath = path.Child("rollingUpdate");
                var maxUnavailable = rolling.MaxUnavailable ?? IntOrString.FromInt(0);
                var maxSurge = rolling.MaxSurge ?? IntOrString.FromInt(0);
                errors.AddRange(PositiveIntOrPercent(maxUnavailable, rollingPath.Child("maxUnavailable")));
                errors.AddRange(PositiveIntOrPercent(maxSurge, rollingPath.Child("maxSurge")));
                errors.AddRange(NotMoreThan100Percent(maxUnavailable, rollingPath.Child("maxUnavailable")));
                errors.AddRange(NotMoreThan100Percent(maxSurge, rollingPath.Child("maxSurge")));
                var hasUnavailable = IntOrPercentValue(maxUnavailable) != 0;
                var hasSurge = IntOrPercentValue(maxSurge) != 0;
                if (hasUnavailable && hasSurge)
                {
                    errors.Add(FieldError.Invalid(rollingPath.Child("maxSurge"), SelectorMatch.GoSyntax(maxSurge), "may not be set when maxUnavailable is non-zero"));
                }
                else if (!hasUnavailable && !hasSurge)
                {
                    errors.Add(FieldError.Required(rollingPath.Child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
                }
                break;
            default:
                errors.Add(FieldError.NotSupported(path, new GoValue.GoSyntax($"apps.DaemonSetUpdateStrategy{{Type:{GoValue.Quote(type)}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}}"),
                    ["RollingUpdate", "OnDelete"]));
                break;
        }
        return errors;
    }

    /// <summary>A non-negative integer or a valid percentage string (upstream ValidatePositiveIntOrPercent).</summary>
    public static List<FieldError> PositiveIntOrPercent(IntOrString value, FieldPath path) =>
        value.IsString
            ? NameRules.Percent(value.StringValue).Select(m => FieldError.Invalid(path, SelectorMatch.GoSyntax(value), m)).ToList()
            : MetadataValidation.NonNegative(value.IntValue, path);

    public static List<FieldError> NotMoreThan100Percent(IntOrString value, FieldPath path) =>
        value.IsString && NameRules.Percent(value.StringValue).Count == 0 && IntOrPercentValue(value) > 100
            ? [FieldError.Invalid(path, SelectorMatch.GoSyntax(value), "must not be greater than 100%")]
            : [];

    private static int IntOrPercentValue(IntOrString value)
    {
        if (value.IsString && NameRules.Percent(value.StringValue).Count == 0)
        {
            return int.TryParse(value.StringValue.AsSpan(0, value.StringValue.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
                ? percent : int.MaxValue;
        }
        return value.TryGetInt(out var number) ? number : 0;
    }
}
