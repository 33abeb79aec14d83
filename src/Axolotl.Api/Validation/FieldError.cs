using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>
/// One problem with one field, as upstream's field.Error: Reason is the cause type
/// (FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate,
/// FieldValueForbidden, FieldValueTooLong), Field the JSON path (spec.containers[0].image),
/// Message the full cause text ("Required value", "Invalid value: \"X\": must be …").
/// The factories below build the message exactly as upstream's ErrorBody does; bad values are
/// rendered the way Go's fmt prints them (see GoValue).
/// </summary>
public sealed record FieldError(string Reason, string Field, string Message)
{
    public const string RequiredReason = "FieldValueRequired";
    public const string InvalidReason = "FieldValueInvalid";
    public const string NotSupportedReason = "FieldValueNotSupported";
    public const string DuplicateReason = "FieldValueDuplicate";
    public const string ForbiddenReason = "FieldValueForbidden";
    public const string TooLongReason = "FieldValueTooLong";
    public const string TooManyReason = "FieldValueTooMany";
    public const string NotFoundReason = "FieldValueNotFound";
    public const string TypeInvalidReason = "FieldValueTypeInvalid";
    public const string InternalReason = "InternalError";

    public override string ToString() => $"{Field}: {Message}";

    public static FieldError Required(FieldPath field, string detail = "") =>
        new(RequiredReason, field.ToString(), WithDetail("Required value", detail));

    public static FieldError Forbidden(FieldPath field, string detail) =>
        new(ForbiddenReason, field.ToString(), WithDetail("Forbidden", detail));

    public static FieldError Invalid(FieldPath field, object? value, string detail) =>
        new(InvalidReason, field.ToString(), WithDetail("Invalid value: " + GoValue.Format(value), detail));

    public static FieldError TypeInvalid(FieldPath field, object? value, string detail) =>
        new(TypeInvalidReason, field.ToString(), WithDetail("Invalid value: " + GoValue.Format(value), detail));

    public static FieldError Duplicate(FieldPath field, object? value) =>
        new(DuplicateReason, field.ToString(), "Duplicate value: " + GoValue.Format(value));

    /// <summary>A duplicate with an explanation (upstream sets Detail on the error by hand for taints).</summary>
    public static FieldError Duplicate(FieldPath field, object? value, string detail) =>
        new(DuplicateReason, field.ToString(), WithDetail("Duplicate value: " + GoValue.Format(value), detail));

    public static FieldError NotFound(FieldPath field, object? value, string detail = "") =>
        new(NotFoundReason, field.ToString(), WithDetail("Not found: " + GoValue.Format(value), detail));

    /// <summary>"Unsupported value: "x": supported values: "a", "b"", with the values in the order given.</summary>
    public static FieldError NotSupported(FieldPath field, object? value, IEnumerable<string> validValues)
    {
        var quoted = validValues.Select(GoValue.Quote).ToList();
        var detail = quoted.Count == 0 ? "" : "supported values: " + string.Join(", ", quoted);
        return new(NotSupportedReason, field.ToString(), WithDetail("Unsupported value: " + GoValue.Format(value), detail));
    }

    public static FieldError TooLong(FieldPath field, int maxLength) =>
        new(TooLongReason, field.ToString(),
            maxLength >= 0 ? $"Too long: must have at most {maxLength} {(maxLength == 1 ? "byte" : "bytes")}" : "Too long: value is too long");

    public static FieldError TooMany(FieldPath field, int actual, int max) =>
        new(TooManyReason, field.ToString(),
            WithDetail(actual >= 0 ? $"Too many: {actual}" : "Too many", max >= 0 ? $"must have at most {max} items" : "has too many items"));

    public static FieldError Internal(FieldPath field, string detail) =>
        new(InternalReason, field.ToString(), WithDetail("Internal error", detail));

    private static string WithDetail(string body, string detail) => detail.Length == 0 ? body : body + ": " + detail;
}
