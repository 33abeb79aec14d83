using Axolotl.Api.Autoscaling;

namespace Axolotl.Api.Validation;

/// <summary>HorizontalPodAutoscaler validation with upstream's paths and messages (autoscaling/v1 is validated after conversion, as upstream validates its internal form).</summary>
public static class AutoscalingValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");

    public static List<FieldError> Validate(HorizontalPodAutoscaler hpa, HorizontalPodAutoscaler? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(hpa.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(hpa.Metadata, old.Metadata, Metadata);
        var spec = hpa.Spec ?? new HorizontalPodAutoscalerSpec();
        var path = FieldPath.Of("spec");
        var target = spec.ScaleTargetRef ?? new CrossVersionObjectReference();
        var refPath = path.Child("scaleTargetRef");
        if (string.IsNullOrEmpty(target.Kind))
        {
            errors.Add(FieldError.Required(refPath.Child("kind")));
        }
        if (string.IsNullOrEmpty(target.Name))
        {
            errors.Add(FieldError.Required(refPath.Child("name")));
        }
        if (spec.MinReplicas is < 1 and var min)
        {
            errors.Add(FieldError.Invalid(path.Child("minReplicas"), min, "must be greater than or equal to 1"));
        }
        if (spec.MaxReplicas < 1)
        {
            errors.Add(FieldError.Invalid(path.Child("maxReplicas"), spec.MaxReplicas, "must be greater than 0"));
        }
        if (spec.MinReplicas is { } minimum && spec.MaxReplicas < minimum)
        {
            errors.Add(FieldError.Invalid(path.Child("maxReplicas"), spec.MaxReplicas, "must be greater than or equal to `minReplicas`"));
        }
        var metrics = spec.Metrics ?? [];
        for (var i = 0; i < metrics.Count; i++)
        {
            errors.AddRange(ValidateMetric(metrics[i], path.Child("metrics").Index(i)));
        }
        if (spec.Behavior is { } behavior)
        {
            errors.AddRange(ValidateRules(behavior.ScaleUp, path.Child("behavior", "scaleUp")));
            errors.AddRange(ValidateRules(behavior.ScaleDown, path.Child("behavior", "scaleDown")));
        }
        return errors;
    }

    /// <summary>autoscaling/v1: validated in its v2 form, so errors name v2 paths (spec.metrics[0]…) as upstream's do.</summary>
    public static List<FieldError> ValidateV1(Autoscaling.V1.HorizontalPodAutoscaler hpa, Autoscaling.V1.HorizontalPodAutoscaler? old)
    {
        try
        {
            var converted = Autoscaling.V1.HorizontalPodAutoscalerConversion.ToV2(hpa);
            Defaulting.AutoscalingDefaults.Apply(converted);
            return Validate(converted, old is null ? null : Autoscaling.V1.HorizontalPodAutoscalerConversion.ToV2(old));
        }
        catch (FormatException e)
        {
            return [FieldError.Invalid(FieldPath.Of("metadata", "annotations"), "", $"invalid autoscaling annotation: {e.Message}")];
        }
    }

    public static List<FieldError> ValidateStatus(HorizontalPodAutoscaler hpa)
    {
        var errors = new List<FieldError>();
        var status = hpa.Status ?? new HorizontalPodAutoscalerStatus();
        errors.AddRange(MetadataValidation.NonNegative(status.CurrentReplicas, FieldPath.Of("status", "currentReplicas")));
        errors.AddRange(MetadataValidation.NonNegative(status.DesiredReplicas, FieldPath.Of("status", "desiredReplicas")));
        return errors;
    }

    private static List<FieldError> ValidateMetric(MetricSpec metric, FieldPath path)
    {
        var errors = new List<FieldError>();
        string[] types = ["ContainerResource", "External", "Object", "Pods", "Resource"];
        if (string.IsNullOrEmpty(metric.Type))
        {
            errors.Add(FieldError.Required(path.Child("type"), "must specify a metric source type"));
            return errors;
        }
        if (!types.Contains(metric.Type, StringComparer.Ordinal))
        {
            errors.Add(FieldError.NotSupported(path.Child("type"), metric.Type, types));
            return errors;
        }
        var field = char.ToLowerInvariant(metric.Type[0]) + metric.Type[1..];
        var present = metric.Type switch
        {
            "Resource" => metric.Resource is not null,
            "ContainerResource" => metric.ContainerResource is not null,
            _ => metric.ExtensionData?.ContainsKey(field) == true,
        };
        if (!present)
        {
            errors.Add(FieldError.Required(path.Child(field), $"must populate information for the given metric source (only allowed when type is {metric.Type})"));
            return errors;
        }
        if (metric.Resource is { } resource)
        {
            errors.AddRange(ValidateResource(resource.Name, resource.Target, path.Child("resource")));
        }
        if (metric.ContainerResource is { } container)
        {
            if (string.IsNullOrEmpty(container.Container))
            {
                errors.Add(FieldError.Required(path.Child("containerResource", "container"), "must populate container name"));
            }
            errors.AddRange(ValidateResource(container.Name, container.Target, path.Child("containerResource")));
        }
        return errors;
    }

    private static List<FieldError> ValidateResource(string? name, MetricTarget? target, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(FieldError.Required(path.Child("name"), "must specify a resource name"));
        }
        var targetPath = path.Child("target");
        if (target is null)
        {
            errors.Add(FieldError.Required(targetPath, "must specify a metric target"));
            return errors;
        }
        if (string.IsNullOrEmpty(target.Type))
        {
            errors.Add(FieldError.Required(targetPath.Child("type"), "must specify a metric target type"));
        }
        else if (target.Type is not ("Utilization" or "Value" or "AverageValue"))
        {
            errors.Add(FieldError.Invalid(targetPath.Child("type"), target.Type, "must be either Utilization, Value, or AverageValue"));
        }
        if (target.Value is { Sign: <= 0 } value)
        {
            errors.Add(FieldError.Invalid(targetPath.Child("value"), value.ToString(), "must be positive"));
        }
        if (target.AverageValue is { Sign: <= 0 } average)
        {
            errors.Add(FieldError.Invalid(targetPath.Child("averageValue"), average.ToString(), "must be positive"));
        }
        if (target.AverageUtilization is < 1 and var utilization)
        {
            errors.Add(FieldError.Invalid(targetPath.Child("averageUtilization"), utilization, "must be greater than 0"));
        }
        // Resource metrics are per pod: an average (a value or a percentage of requests), never a total.
        if (target.AverageValue is null && target.AverageUtilization is null)
        {
            errors.Add(FieldError.Required(targetPath.Child("averageUtilization"), "must set either a target raw value or a target utilization"));
        }
        if (target.AverageValue is not null && target.AverageUtilization is not null)
        {
            errors.Add(FieldError.Forbidden(targetPath.Child("averageValue"), "may not set both a target raw value and a target utilization"));
        }
        return errors;
    }

    private static List<FieldError> ValidateRules(HPAScalingRules? rules, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (rules is null)
        {
            return errors;
        }
        if (rules.StabilizationWindowSeconds is < 0 and var negative)
        {
            errors.Add(FieldError.Invalid(path.Child("stabilizationWindowSeconds"), negative, "must be greater than or equal to zero"));
        }
        if (rules.StabilizationWindowSeconds is > 3600 and var large)
        {
            errors.Add(FieldError.Invalid(path.Child("stabilizationWindowSeconds"), large, "must be less than or equal to 3600"));
        }
        if (rules.SelectPolicy is { } select && select is not ("Disabled" or "Max" or "Min"))
        {
            errors.Add(FieldError.NotSupported(path.Child("selectPolicy"), select, ["Disabled", "Max", "Min"]));
        }
        var policies = rules.Policies ?? [];
        if (policies.Count == 0)
        {
            errors.Add(FieldError.Required(path.Child("policies"), "must specify at least one Policy"));
        }
        for (var i = 0; i < policies.Count; i++)
        {
            var policy = policies[i];
            var policyPath = path.Child("policies").Index(i);
            if (policy.Type is not ("Pods" or "Percent"))
            {
                errors.Add(FieldError.NotSupported(policyPath.Child("type"), policy.Type ?? "", ["Percent", "Pods"]));
            }
            if (policy.PeriodSeconds <= 0)
            {
                errors.Add(FieldError.Invalid(policyPath.Child("periodSeconds"), policy.PeriodSeconds, "must be greater than zero"));
            }
            if (policy.PeriodSeconds > 1800)
            {
                errors.Add(FieldError.Invalid(policyPath.Child("periodSeconds"), policy.PeriodSeconds, "must be less than or equal to 1800"));
            }
            if (policy.Value <= 0)
            {
                errors.Add(FieldError.Invalid(policyPath.Child("value"), policy.Value, "must be greater than zero"));
            }
        }
        return errors;
    }
}
