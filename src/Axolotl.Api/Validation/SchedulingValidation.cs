using Axolotl.Api.Scheduling;

namespace Axolotl.Api.Validation;

/// <summary>
/// scheduling.k8s.io/v1 PriorityClasses with upstream's rules and messages (pkg/apis/scheduling/validation):
/// on create, "system-" names are the system classes' only and a user class is at most 1000000000; on
/// update, only the metadata rules and the immutable value and preemptionPolicy. That only one class is
/// the global default is the Priority admission plugin's rule, as it needs the other classes.
/// </summary>
public static class SchedulingValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");

    public static List<FieldError> ValidatePriorityClass(PriorityClass priorityClass, PriorityClass? old) =>
        old is null ? ValidateCreate(priorityClass) : ValidateUpdate(priorityClass, old);

    private static List<FieldError> ValidateCreate(PriorityClass priorityClass)
    {
        var errors = MetadataValidation.ValidateObjectMeta(priorityClass.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, Metadata);
        var name = priorityClass.Metadata.Name ?? "";
        if (name.StartsWith(SystemPriorityClasses.Prefix, StringComparison.Ordinal))
        {
            if (KnownSystemClassError(name, priorityClass.Value, priorityClass.GlobalDefault == true) is { } error)
            {
                errors.Add(FieldError.Forbidden(Metadata.Child("name"),
                    $"priority class names with '{SystemPriorityClasses.Prefix}' prefix are reserved for system use only. error: {error}"));
            }
        }
        else if (priorityClass.Value > SystemPriorityClasses.HighestUserDefinablePriority)
        {
            errors.Add(FieldError.Forbidden(FieldPath.Of("value"), $"maximum allowed value of a user defined priority is {SystemPriorityClasses.HighestUserDefinablePriority}"));
        }
        if (priorityClass.PreemptionPolicy is not null)
        {
            errors.AddRange(PodSpecValidation.OneOf(priorityClass.PreemptionPolicy, [SystemPriorityClasses.PreemptLowerPriority, SystemPriorityClasses.PreemptNever], FieldPath.Of("preemptionPolicy")));
        }
        return errors;
    }

    private static List<FieldError> ValidateUpdate(PriorityClass priorityClass, PriorityClass old)
    {
        var errors = MetadataValidation.ValidateObjectMetaUpdate(priorityClass.Metadata, old.Metadata, Metadata);
        if (priorityClass.Value != old.Value)
        {
            errors.Add(FieldError.Forbidden(FieldPath.Of("value"), "may not be changed in an update."));
        }
        if (priorityClass.PreemptionPolicy != old.PreemptionPolicy)
        {
            errors.Add(FieldError.Invalid(FieldPath.Of("preemptionPolicy"), priorityClass.PreemptionPolicy, MetadataValidation.FieldImmutable));
        }
        return errors;
    }

    /// <summary>Upstream's IsKnownSystemPriorityClass: null when the name, value and globalDefault are a system class's, else why not.</summary>
    private static string? KnownSystemClassError(string name, int value, bool globalDefault)
    {
        if (!SystemPriorityClasses.Values.TryGetValue(name, out var systemValue))
        {
            return $"{name} is not a known system priority class";
        }
        if (value != systemValue)
        {
            return $"value of {name} PriorityClass must be {systemValue}";
        }
        // No system class is the global default.
        return globalDefault ? $"globalDefault of {name} PriorityClass must be false" : null;
    }
}
