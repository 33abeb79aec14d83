namespace Axolotl.Api.Validation;

/// <summary>
/// One problem with one field, as upstream's field.Error: Reason is the cause type
/// (FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate,
/// FieldValueForbidden, FieldValueTooLong), Field the JSON path (spec.containers[0].image),
/// Message the full cause text ("Required value", "Invalid value: \"X\": must be …").
/// </summary>
public sealed record FieldError(string Reason, string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
