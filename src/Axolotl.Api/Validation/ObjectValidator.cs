using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>Validates an object of any served kind on create (old is null) or update.</summary>
public static class ObjectValidator
{
    public static IReadOnlyList<FieldError> Validate(KubeObject obj, KubeObject? old) => [];
}
