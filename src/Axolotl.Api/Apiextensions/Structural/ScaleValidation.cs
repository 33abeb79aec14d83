using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// What a CRD's scale subresource requires of every write of its objects (upstream's customResourceValidator
/// ValidateScaleSpec and ValidateScaleStatus): the value at specReplicasPath and statusReplicasPath, when there, an
/// int64 from 0 to 2³¹−1, and the one at labelSelectorPath a string. The errors are reported at the path as the CRD
/// writes it, leading dot included (".spec.replicas: Invalid value: -1: should be a non-negative integer"), as upstream.
/// A write of the main resource checks both; a status write only the status paths.
/// </summary>
public static class ScaleValidation
{
    public static IEnumerable<FieldError> ValidateSpec(ScaleSubresource scale, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(scale);
        return Replicas(obj, scale.SpecReplicasPath);
    }

    public static IEnumerable<FieldError> ValidateStatus(ScaleSubresource scale, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(scale);
        foreach (var error in Replicas(obj, scale.StatusReplicasPath))
        {
            yield return error;
        }
        if (scale.LabelSelectorPath is { } selectorPath
            && NestedField.String(obj, Fields(selectorPath)) is { Error: { } error2 } selector)
        {
            yield return FieldError.Invalid(FieldPath.FromString(selectorPath), selector.Value, error2);
        }
    }

    private static IEnumerable<FieldError> Replicas(JsonObject obj, string path)
    {
        var replicas = NestedField.Int64(obj, Fields(path));
        var field = FieldPath.FromString(path);
        if (replicas.Error is { } error)
        {
            yield return FieldError.Invalid(field, replicas.Value, error);
        }
        else if (replicas.Value < 0)
        {
            yield return FieldError.Invalid(field, replicas.Value, "should be a non-negative integer");
        }
        else if (replicas.Value > int.MaxValue)
        {
            yield return FieldError.Invalid(field, replicas.Value, $"should be less than or equal to {int.MaxValue}");
        }
    }

    // Upstream drops the leading dot and splits on the rest; CRD validation admitted only paths of that form.
    public static IReadOnlyList<string> Fields(string path) => path.TrimStart('.').Split('.');
}
