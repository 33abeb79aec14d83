using Axolotl.Api.Annotations;
using Axolotl.Api.Core;

namespace Axolotl.Api.Validation;

/// <summary>
/// Rejects malformed <see cref="ProbeTimingAnnotation"/> values at admission, so a typo is a 422 on
/// create instead of a silently ignored setting on the node.
/// </summary>
public static class ProbeTimingValidation
{
    public static List<FieldError> Validate(Dictionary<string, string>? annotations, PodSpec spec, FieldPath annotationsPath)
    {
        var errors = new List<FieldError>();
        foreach (var (key, value) in annotations ?? [])
        {
            if (!ProbeTimingAnnotation.IsProbeTimingKey(key, out var container, out var kind))
            {
                continue;
            }
            var path = annotationsPath.Key(key);
            if (!ProbeTimingAnnotation.Kinds.Contains(kind))
            {
                errors.Add(FieldError.Invalid(path, value, "the key must end in liveness, readiness or startup (probes.axolotl.io/[<container>.]<kind>)"));
                continue;
            }
            if (container is not null && spec.Containers.All(c => c.Name != container))
            {
                errors.Add(FieldError.Invalid(path, value, $"no container named \"{container}\""));
                continue;
            }
            if (!ProbeTimingAnnotation.TryParse(value, out _, out var error))
            {
                errors.Add(FieldError.Invalid(path, value, error));
            }
        }
        return errors;
    }
}
