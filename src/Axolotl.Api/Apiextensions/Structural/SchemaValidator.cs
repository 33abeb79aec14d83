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
/// Checks run in kube-openapi's order: type, the junctors (<see cref="JunctorValidator"/>), string and format,
/// number, array, enum, object. The root's apiVersion, kind and metadata are validated elsewhere, as upstream does.
/// On an update the old object ratchets, as kube-apiserver's RatchetingSchemaValidator: each value's errors (its own
/// and its children's) are dropped when the value is unchanged (<see cref="CorrelatedObject"/>); a value without an
/// old self is validated in full, and so is everything inside a junctor's branches.
/// </summary>
public static class SchemaValidator
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Validates a custom resource; <paramref name="update"/> correlates it with the stored object on an update.</summary>
    public static IReadOnlyList<FieldError> Validate(JsonSchemaProps schema, JsonObject obj, CorrelatedObject? update = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(obj);
        var result = ValidateRoot(schema, obj, update);
        return CorrelatedObject.IsUnchanged(update) ? [] : result.Errors;
    }

    /// <summary>
    /// Validates a write through the status subresource as upstream does: only <c>status</c>, against the status
    /// schema, with paths and messages relative to it ("status.count: … count in body must be …"), ratcheted by
    /// <paramref name="status"/> (the root's correlation at "status").
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateStatus(JsonSchemaProps statusSchema, JsonNode? value, CorrelatedObject? status)
    {
        ArgumentNullException.ThrowIfNull(statusSchema);
        var errors = ValidateNode(statusSchema, value, FieldPath.Root, status).Errors;
        return [.. errors.Select(e => e with { Field = UnderStatus(e.Field) })];
    }

    /// <summary>
    /// Validates a value on its own against one node's schema, as upstream validates a schema's default: the messages
    /// name the path inside the value (empty for the value itself, so " in body should be …", as kube-openapi words it
    /// with an empty root), and each error's field is that path under <paramref name="at"/>.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateValue(JsonSchemaProps schema, JsonNode? value, FieldPath at)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var errors = ValidateNode(schema, value, FieldPath.Root).Errors;
        return [.. errors.Select(e => e with { Field = Under(at.ToString(), e.Field) })];
    }

    private static string Under(string at, string field) => field switch
    {
        "" or "<nil>" => at,
        _ when field.StartsWith('[') => at + field,
        _ => at + "." + field,
    };

    // kube-apiserver prefixes the status validator's paths with "status"; a junctor's pathless failure lands there too.
    private static string UnderStatus(string field) => field switch
    {
        "" or "<nil>" => "status",
        _ when field.StartsWith('[') => "status" + field,
        _ => "status." + field,
    };

    private static SchemaResult ValidateRoot(JsonSchemaProps schema, JsonObject obj, CorrelatedObject? update)
    {
        var result = new SchemaResult();
        if (schema.HasJunctors)
        {
            result.Merge(JunctorValidator.Validate(schema, obj, FieldPath.Root));
        }
        if (CountProblem(schema, obj, FieldPath.Root) is { } problem)
        {
            result.Add(problem);
            return result;
        }
        foreach (var (name, value) in obj)
        {
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            if (schema.Properties.TryGetValue(name, out var child))
            {
                result.Merge(ValidateNode(child, value, FieldPath.Root.Child(name), update?.Key(name)));
            }
            else if (schema.AdditionalProperties is { } additional)
            {
                result.Merge(ValidateNode(additional, value, FieldPath.Root.Child(name), update?.Key(name)));
            }
        }
        foreach (var required in schema.Required)
        {
            if (required is not ("apiVersion" or "kind" or "metadata") && !obj.ContainsKey(required))
            {
                result.Add(FieldError.Required(FieldPath.Root.Child(required)));
            }
        }
        return result;
    }

    /// <summary>
    /// One value against one schema (a structural node or a junctor's branch). With a correlation, the errors are
    /// dropped when the value is unchanged; junctors pass none, so their branches never ratchet on their own.
    /// </summary>
    internal static SchemaResult ValidateNode(JsonSchemaProps schema, JsonNode? value, FieldPath path, CorrelatedObject? old = null)
    {
        var result = CheckNode(schema, value, path, old);
        return !result.IsValid && CorrelatedObject.IsUnchanged(old) ? result.Ratcheted() : result;
    }

    private static SchemaResult CheckNode(JsonSchemaProps schema, JsonNode? value, FieldPath path, CorrelatedObject? old)
    {
        var result = new SchemaResult();
        var wanted = schema.IntOrString ? "integer,string" : schema.Type is { Length: > 0 } type ? type : null;
        if (value is null)
        {
            if (!schema.Nullable && !schema.PreserveUnknownFields && wanted is not null)
            {
                result.Add(TypeError(path, wanted, "null"));
            }
            return result;
        }
        var actual = TypeOf(value);
        var typed = wanted is null || (schema.IntOrString ? actual is "integer" or "string" : Matches(wanted, actual));
        if (wanted is not null)
        {
            if (typed)
            {
                result.Inc();
            }
            else
            {
                result.Add(TypeError(path, wanted, actual));
            }
            result.Inc();
        }
        if (schema.HasJunctors)
        {
            result.Merge(JunctorValidator.Validate(schema, value, path));
        }
        else
        {
            // What kube-openapi's junctor check counts when there is nothing to check.
            result.Inc();
        }
        result.Inc();
        if (!typed)
        {
            // A value of the wrong type is not checked further: its other errors would only repeat the type error.
            return result;
        }
        switch (value)
        {
            case JsonValue scalar when actual == "string":
                ValidateString(schema, scalar.GetValue<string>(), path, result);
                break;
            case JsonValue scalar when actual is "integer" or "number":
                ValidateNumber(schema, scalar, path, result);
                break;
            case JsonArray array:
                ValidateArray(schema, array, path, old, result);
                break;
            default:
                break;
        }
        CheckEnum(schema, value, path, result);
        if (value is JsonObject obj)
        {
            ValidateObject(schema, obj, path, old, result);
        }
        result.Inc();
        return result;
    }

    private static void ValidateObject(JsonSchemaProps schema, JsonObject obj, FieldPath path, CorrelatedObject? old, SchemaResult result)
    {
        result.Inc();
        // As kube-openapi's object validator: a wrong property count is the only error reported for the object.
        if (CountProblem(schema, obj, path) is { } problem)
        {
            result.Add(problem);
            return;
        }
        foreach (var (name, child) in obj)
        {
            if (schema.EmbeddedResource && name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            if (schema.Properties.TryGetValue(name, out var childSchema))
            {
                result.Merge(ValidateNode(childSchema, child, path.Child(name), old?.Key(name)));
            }
            else if (schema.AdditionalProperties is { } additional)
            {
                result.Merge(ValidateNode(additional, child, path.Child(name), old?.Key(name)));
            }
        }
        foreach (var required in schema.Required)
        {
            if (!obj.ContainsKey(required))
            {
                result.Add(FieldError.Required(path.Child(required)));
            }
        }
    }

    private static FieldError? CountProblem(JsonSchemaProps schema, JsonObject obj, FieldPath path)
    {
        if (schema.MinProperties is { } min && obj.Count < min)
        {
            return FieldError.Invalid(path, obj.Count, $"{path} in body should have at least {min} properties");
        }
        if (schema.MaxProperties is { } max && obj.Count > max)
        {
            return FieldError.TooMany(path, obj.Count, (int)max);
        }
        return null;
    }

    private static void ValidateArray(JsonSchemaProps schema, JsonArray array, FieldPath path, CorrelatedObject? old, SchemaResult result)
    {
        result.Inc();
        if (schema.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                result.Merge(ValidateNode(items, array[i], path.Index(i), old?.Index(i)));
            }
        }
        if (schema.MinItems is { } min && array.Count < min)
        {
            result.Add(FieldError.Invalid(path, array.Count, $"{path} in body should have at least {min} items"));
        }
        if (schema.MaxItems is { } max && array.Count > max)
        {
            result.Add(FieldError.TooMany(path, array.Count, (int)max));
        }
    }

    private static void ValidateString(JsonSchemaProps schema, string text, FieldPath path, SchemaResult result)
    {
        result.Inc();
        // Lengths count runes, as Go's utf8.RuneCountInString does.
        var length = text.EnumerateRunes().Count();
        if (schema.MaxLength is { } max && length > max)
        {
            result.Add(FieldError.TooLong(path, (int)max));
        }
        if (schema.MinLength is { } min && length < min)
        {
            result.Add(FieldError.Invalid(path, text, $"{path} in body should be at least {min} chars long"));
        }
        if (schema.Pattern is { } pattern && !MatchesPattern(pattern, text))
        {
            result.Add(FieldError.Invalid(path, text, $"{path} in body should match '{pattern}'"));
        }
        if (schema.Format is { Length: > 0 } format)
        {
            result.Inc();
            if (!SchemaFormats.IsValid(format, text))
            {
                result.Add(FieldError.Invalid(path, text, $"{path} in body must be of type {format}: {Meta.GoValue.Quote(text)}"));
            }
        }
    }

    private static void ValidateNumber(JsonSchemaProps schema, JsonValue scalar, FieldPath path, SchemaResult result)
    {
        result.Inc();
        if (!decimal.TryParse(scalar.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return;
        }
        var shown = Shown(scalar);
        if (schema.MultipleOf is { } factor)
        {
            if (factor <= 0)
            {
                result.Add(FieldError.Invalid(path, Format(factor), $"factor MultipleOf declared for {path} must be positive: {Format(factor)}"));
            }
            else if (number % factor != 0)
            {
                result.Add(FieldError.Invalid(path, shown, $"{path} in body should be a multiple of {Format(factor)}"));
            }
        }
        if (schema.Maximum is { } max && (schema.ExclusiveMaximum ? number >= max : number > max))
        {
            var relation = schema.ExclusiveMaximum ? "less than" : "less than or equal to";
            result.Add(FieldError.Invalid(path, shown, $"{path} in body should be {relation} {Format(max)}"));
        }
        if (schema.Minimum is { } min && (schema.ExclusiveMinimum ? number <= min : number < min))
        {
            var relation = schema.ExclusiveMinimum ? "greater than" : "greater than or equal to";
            result.Add(FieldError.Invalid(path, shown, $"{path} in body should be {relation} {Format(min)}"));
        }
    }

    private static void CheckEnum(JsonSchemaProps schema, JsonNode value, FieldPath path, SchemaResult result)
    {
        result.Inc();
        if (schema.Enum is not { Count: > 0 } allowed || allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            return;
        }
        result.Add(FieldError.NotSupported(path, Shown(value), allowed.Select(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : a?.ToJsonString() ?? "null")));
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
        catch (ArgumentException)
        {
            // A pattern .NET cannot parse (a CRD stored before patterns were checked): a mismatch, never a 500.
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
