using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// Validates a custom resource against its structural schema with the messages kube-apiserver's
/// OpenAPI validator gives, converted to field errors as upstream converts them
/// ("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"").
/// The root's apiVersion, kind and metadata are validated elsewhere, as upstream does.
/// </summary>
public static class SchemaValidator
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    public static IReadOnlyList<FieldError> Validate(JsonSchemaProps schema, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new List<FieldError>();
        foreach (var (name, value) in obj)
        {
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            if (schema.Properties.TryGetValue(name, out var child))
            {
                ValidateNode(child, value, FieldPath.Root.Child(name), errors);
            }
            else if (schema.AdditionalProperties is { } additional)
            {
                ValidateNode(additional, value, FieldPath.Root.Child(name), errors);
            }
        }
        foreach (var required in schema.Required)
        {
            if (required is not ("apiVersion" or "kind" or "metadata") && !obj.ContainsKey(required))
            {
                errors.Add(FieldError.Required(FieldPath.Root.Child(required)));
            }
        }
        return errors;
    }

    private static void ValidateNode(JsonSchemaProps schema, JsonNode? value, FieldPath path, List<FieldError> errors)
    {
        if (value is null)
        {
            if (!schema.Nullable && !schema.PreserveUnknownFields && schema.Type is { Length: > 0 } wanted)
            {
                errors.Add(TypeError(path, wanted, "null"));
            }
            return;
        }
        var actual = TypeOf(value);
        if (schema.IntOrString)
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(TypeError(path, "integer or string", actual));
                return;
            }
        }
        else if (schema.Type is { Length: > 0 } type && !Matches(type, actual))
        {
            errors.Add(TypeError(path, type, actual));
            return;
        }
        CheckEnum(schema, value, path, errors);
        switch (value)
        {
            case JsonObject obj:
                ValidateObject(schema, obj, path, errors);
                break;
            case JsonArray array:
                ValidateArray(schema, array, path, errors);
                break;
            case JsonValue scalar when actual == "string":
                ValidateString(schema, scalar.GetValue<string>(), path, errors);
                break;
            case JsonValue scalar when actual is "integer" or "number":
                ValidateNumber(schema, scalar, path, errors);
                break;
            default:
                break;
        }
    }

    private static void ValidateObject(JsonSchemaProps schema, JsonObject obj, FieldPath path, List<FieldError> errors)
    {
        foreach (var (name, child) in obj)
        {
            if (schema.EmbeddedResource && name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            if (schema.Properties.TryGetValue(name, out var childSchema))
            {
                ValidateNode(childSchema, child, path.Child(name), errors);
            }
            else if (schema.AdditionalProperties is { } additional)
            {
                ValidateNode(additional, child, path.Child(name), errors);
            }
        }
        foreach (var required in schema.Required)
        {
            if (!obj.ContainsKey(required))
            {
                errors.Add(FieldError.Required(path.Child(required)));
            }
        }
        if (schema.MinProperties is { } min && obj.Count < min)
        {
            errors.Add(FieldError.Invalid(path, obj.Count, $"{path} in body should have at least {min} properties"));
        }
        if (schema.MaxProperties is { } max && obj.Count > max)
        {
            errors.Add(FieldError.TooMany(path, obj.Count, (int)max));
        }
    }

    private static void ValidateArray(JsonSchemaProps schema, JsonArray array, FieldPath path, List<FieldError> errors)
    {
        if (schema.MinItems is { } min && array.Count < min)
        {
            errors.Add(FieldError.Invalid(path, array.Count, $"{path} in body should have at least {min} items"));
        }
        if (schema.MaxItems is { } max && array.Count > max)
        {
            errors.Add(FieldError.TooMany(path, array.Count, (int)max));
        }
        if (schema.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                ValidateNode(items, array[i], path.Index(i), errors);
            }
        }
    }

    private static void ValidateString(JsonSchemaProps schema, string text, FieldPath path, List<FieldError> errors)
    {
        // Lengths count runes, as Go's utf8.RuneCountInString does.
        var length = text.EnumerateRunes().Count();
        if (schema.MaxLength is { } max && length > max)
        {
            errors.Add(FieldError.TooLong(path, (int)max));
        }
        if (schema.MinLength is { } min && length < min)
        {
            errors.Add(FieldError.Invalid(path, text, $"{path} in body should be at least {min} chars long"));
        }
        if (schema.Pattern is { } pattern && !MatchesPattern(pattern, text))
        {
            errors.Add(FieldError.Invalid(path, text, $"{path} in body should match '{pattern}'"));
        }
        if (schema.Format is { Length: > 0 } format && !SchemaFormats.IsValid(format, text))
        {
            errors.Add(FieldError.Invalid(path, text, $"{path} in body must be of type {format}: {Meta.GoValue.Quote(text)}"));
        }
    }

    private static void ValidateNumber(JsonSchemaProps schema, JsonValue scalar, FieldPath path, List<FieldError> errors)
    {
        if (!decimal.TryParse(scalar.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return;
        }
        var shown = Shown(scalar);
        if (schema.Minimum is { } min && (schema.ExclusiveMinimum ? number <= min : number < min))
        {
            var relation = schema.ExclusiveMinimum ? "greater than" : "greater than or equal to";
            errors.Add(FieldError.Invalid(path, shown, $"{path} in body should be {relation} {Format(min)}"));
        }
        if (schema.Maximum is { } max && (schema.ExclusiveMaximum ? number >= max : number > max))
        {
            var relation = schema.ExclusiveMaximum ? "less than" : "less than or equal to";
            errors.Add(FieldError.Invalid(path, shown, $"{path} in body should be {relation} {Format(max)}"));
        }
    }

    private static void CheckEnum(JsonSchemaProps schema, JsonNode value, FieldPath path, List<FieldError> errors)
    {
        if (schema.Enum is not { Count: > 0 } allowed || allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            return;
        }
        errors.Add(FieldError.NotSupported(path, Shown(value), allowed.Select(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : a?.ToJsonString() ?? "null")));
    }

    private static bool MatchesPattern(string pattern, string text)
    {
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.None, PatternTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static FieldError TypeError(FieldPath path, string wanted, string actual) =>
        FieldError.TypeInvalid(path, actual, $"{path} in body must be of type {wanted}: {Meta.GoValue.Quote(actual)}");

    private static bool Matches(string wanted, string actual) => wanted switch
    {
        "number" => actual is "number" or "integer",
        _ => wanted == actual,
    };

    /// <summary>The JSON type name of a value, "integer" for numbers without a fraction, as upstream's validator names them.</summary>
    public static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    /// <summary>The value as a Go-formattable object: strings quoted, numbers bare.</summary>
    private static object? Shown(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        JsonValue v when double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        null => null,
        _ => new Meta.GoValue.GoSyntax(value.ToJsonString()),
    };

    private static string Format(decimal d) => d.ToString("G29", CultureInfo.InvariantCulture);
}
