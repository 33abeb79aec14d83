using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Apiextensions.Definitions;

/// <summary>
/// One version's openAPIV3Schema as upstream's ValidateCustomResourceDefinitionOpenAPISchema and ValidateStructural
/// judge it: types, the keywords a CRD may not use, list types, the parts of CEL rules that need no compiler, and the
/// junctors (allOf, anyOf, oneOf, not), whose structural rules <see cref="StructuralJunctors"/> checks.
/// </summary>
internal static class CustomResourceSchemaValidation
{
    private static readonly string[] SchemaTypes = ["array", "boolean", "integer", "number", "object", "string"];
    private static readonly string[] ListTypes = ["atomic", "set", "map"];
    private static readonly string[] RuleReasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];

    private static readonly string[] Junctors = ["allOf", "anyOf", "oneOf"];

    private enum Level
    {
        Root,
        Item,
        Field,
    }

    public static void Validate(JsonObject schema, FieldPath schemaPath, List<FieldError> errors)
    {
        if (Str(schema, "type") != "object")
        {
            errors.Add(Str(schema, "type").Length == 0
                ? FieldError.Required(schemaPath.Child("type"), "must not be empty at the root")
                : FieldError.Invalid(schemaPath.Child("type"), Str(schema, "type"), "must be object at the root"));
        }
        StructuralJunctors.Validate(schema, schemaPath, errors);
        ValidateSchemaNode(schema, schemaPath, Level.Root, errors);
    }

    // What upstream's allowedFieldsAtRootSchema names, in their JSON spelling, and the Go names its message lists.
    private static readonly string[] StatusRootKeys =
    [
        "description", "type", "format", "title", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
        "maxItems", "minItems", "uniqueItems", "multipleOf", "required", "items", "properties", "externalDocs", "example",
        "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations",
    ];

    private const string StatusRootFields =
        "[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations]";

    /// <summary>
    /// With the status subresource on, status is validated as properties[status] alone, so the root may hold nothing
    /// that would be lost: upstream allows only the fields above (no junctors, no enum). The rejected value is the
    /// schema as JSON where upstream prints its Go struct.
    /// </summary>
    public static void ValidateStatusRoot(JsonObject schema, FieldPath schemaPath, List<FieldError> errors)
    {
        var type = Str(schema, "type");
        if (type.Length > 0 && type != "object")
        {
            errors.Add(FieldError.Invalid(schemaPath.Child("type"), type, "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled"));
        }
        if (schema.Any(p => !StatusRootKeys.Contains(p.Key) && p.Value is not null && !IsEmpty(p.Value) && !(p.Value is JsonValue v && v.TryGetValue(out bool b) && !b)))
        {
            errors.Add(FieldError.Invalid(schemaPath, new Meta.GoValue.GoSyntax(schema.ToJsonString()),
                $"only {StatusRootFields} fields are allowed at the root of the schema if the status subresource is enabled"));
        }
    }

    private static void ValidateSchemaNode(JsonObject node, FieldPath path, Level level, List<FieldError> errors)
    {
        if (node["x-kubernetes-validations"] is JsonArray rules)
        {
            ValidateRules(node, rules, path.Child("x-kubernetes-validations"), errors);
        }
        ValidateKeywords(node, path, errors);
        var type = Str(node, "type");
        var untyped = Bool(node, "x-kubernetes-preserve-unknown-fields") || Bool(node, "x-kubernetes-int-or-string");
        if (type.Length == 0 && !untyped && level != Level.Root)
        {
            errors.Add(FieldError.Required(path.Child("type"), level == Level.Item ? "must not be empty for specified array items" : "must not be empty for specified object fields"));
        }
        if (node["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                if (child is JsonObject childSchema)
                {
                    ValidateSchemaNode(childSchema, path.Child("properties").Key(name), Level.Field, errors);
                }
            }
        }
        if (node["items"] is JsonObject items)
        {
            ValidateSchemaNode(items, path.Child("items"), Level.Item, errors);
        }
        else if (type == "array" && node["items"] is null)
        {
            errors.Add(FieldError.Required(path.Child("items"), "must be specified"));
        }
        if (node["additionalProperties"] is JsonObject additional)
        {
            ValidateSchemaNode(additional, path.Child("additionalProperties"), Level.Field, errors);
        }
        ValidateJunctorBranches(node, path, errors);
    }

    /// <summary>
    /// A junctor's branches get the checks upstream's ValidateCustomResourceDefinitionOpenAPISchema gives every schema;
    /// what they may hold at all (value validations only) is <see cref="StructuralJunctors"/>' business.
    /// </summary>
    private static void ValidateJunctorBranches(JsonObject node, FieldPath path, List<FieldError> errors)
    {
        if (node["not"] is JsonObject not)
        {
            ValidateBranch(not, path.Child("not"), errors);
        }
        foreach (var junctor in Junctors)
        {
            if (node[junctor] is JsonArray branches)
            {
                for (var i = 0; i < branches.Count; i++)
                {
                    if (branches[i] is JsonObject branch)
                    {
                        ValidateBranch(branch, path.Child(junctor).Index(i), errors);
                    }
                }
            }
        }
    }

    private static void ValidateBranch(JsonObject node, FieldPath path, List<FieldError> errors)
    {
        ValidateKeywords(node, path, errors);
        foreach (var (name, child) in node["properties"] as JsonObject ?? [])
        {
            if (child is JsonObject childSchema)
            {
                ValidateBranch(childSchema, path.Child("properties").Key(name), errors);
            }
        }
        if (node["items"] is JsonObject items)
        {
            ValidateBranch(items, path.Child("items"), errors);
        }
        if (node["additionalProperties"] is JsonObject additional)
        {
            ValidateBranch(additional, path.Child("additionalProperties"), errors);
        }
        ValidateJunctorBranches(node, path, errors);
    }

    /// <summary>What every schema node is checked for, structural or inside a junctor: its type, the JSON Schema keywords a CRD may not use, list types.</summary>
    private static void ValidateKeywords(JsonObject node, FieldPath path, List<FieldError> errors)
    {
        var type = Str(node, "type");
        if (type.Length > 0 && !SchemaTypes.Contains(type))
        {
            errors.Add(FieldError.NotSupported(path.Child("type"), type, SchemaTypes));
        }
        foreach (var keyword in new[] { "id", "additionalItems", "patternProperties", "definitions", "dependencies", "$ref" })
        {
            if (node[keyword] is { } value && !IsEmpty(value))
            {
                errors.Add(FieldError.Forbidden(path.Child(keyword), $"{keyword} is not supported"));
            }
        }
        if (type == "null")
        {
            errors.Add(FieldError.Forbidden(path.Child("type"), "type cannot be set to null, use nullable as an alternative"));
        }
        if (node["items"] is JsonArray)
        {
            errors.Add(FieldError.Forbidden(path.Child("items"), "items must be a schema object and not an array"));
        }
        if (Bool(node, "uniqueItems"))
        {
            errors.Add(FieldError.Forbidden(path.Child("uniqueItems"), "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        // additionalProperties: true beside properties changes nothing; false or a schema contradicts them.
        if (node["properties"] is JsonObject { Count: > 0 } && node["additionalProperties"] is { } additional && !IsTrue(additional))
        {
            errors.Add(FieldError.Forbidden(path.Child("additionalProperties"), "additionalProperties and properties are mutual exclusive"));
        }
        if (node["pattern"] is JsonValue patternValue && patternValue.TryGetValue(out string? pattern) && PatternProblem(pattern) is { } problem)
        {
            errors.Add(FieldError.Invalid(path.Child("pattern"), pattern, $"must be a valid regular expression, but isn't: error parsing regexp: {problem}: `{pattern}`"));
        }
        ValidateListType(node, path, errors);
    }

    /// <summary>
    /// Why a pattern does not parse, in Go's regexp words where they have one; null when it parses. Go quotes the
    /// offending part of the pattern after the words; the whole pattern is quoted here (.NET does not say which part).
    /// </summary>
    private static string? PatternProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (RegexParseException e)
        {
            return e.Error switch
            {
                RegexParseError.InsufficientClosingParentheses => "missing closing )",
                RegexParseError.InsufficientOpeningParentheses => "unexpected )",
                RegexParseError.UnterminatedBracket => "missing closing ]",
                RegexParseError.QuantifierAfterNothing => "missing argument to repetition operator",
                RegexParseError.NestedQuantifiersNotParenthesized => "invalid nested repetition operator",
                RegexParseError.ReversedCharacterRange => "invalid character class range",
                RegexParseError.ReversedQuantifierRange => "invalid repeat count",
                RegexParseError.UnescapedEndingBackslash => "trailing backslash at end of expression",
                RegexParseError.UnrecognizedEscape or RegexParseError.UnrecognizedControlCharacter => "invalid escape sequence",
                _ => "invalid or unsupported Perl syntax",
            };
        }
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue(out bool b) && b;

    // Upstream reads these into Go fields: an empty string, list or map is the same as not set.
    private static bool IsEmpty(JsonNode value) => value switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s.Length == 0,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => false,
    };

    /// <summary>What upstream checks of a rule before compiling it; the API server compiles it and estimates its cost.</summary>
    private static void ValidateRules(JsonObject node, JsonArray rules, FieldPath path, List<FieldError> errors)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var at = path.Index(i);
            if (rules[i] is not JsonObject ruleNode)
            {
                errors.Add(FieldError.Required(at.Child("rule"), "rule is not specified"));
                continue;
            }
            var rule = ValidationRule.Parse(ruleNode);
            var trimmedRule = rule.Rule.Trim();
            var trimmedMessage = rule.Message.Trim();
            if (trimmedRule.Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("rule"), "rule is not specified"));
            }
            else if (rule.Message.Length > 0 && trimmedMessage.Length == 0)
            {
                errors.Add(FieldError.Invalid(at.Child("message"), rule.Message, "message must be non-empty if specified"));
            }
            else if (HasLineBreaks(trimmedMessage))
            {
                errors.Add(FieldError.Invalid(at.Child("message"), rule.Message, "message must not contain line breaks"));
            }
            else if (HasLineBreaks(trimmedRule) && trimmedMessage.Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("message"), "message must be specified if rule contains line breaks"));
            }
            if (rule.MessageExpression.Length > 0 && rule.MessageExpression.Trim().Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("messageExpression"), "messageExpression must be non-empty if specified"));
            }
            if (rule.Reason is { } reason && !RuleReasons.Contains(reason))
            {
                errors.Add(FieldError.NotSupported(at.Child("reason"), reason, RuleReasons));
            }
            if (rule.FieldPath.Length > 0 && rule.FieldPath.Trim().Length == 0)
            {
                errors.Add(FieldError.Invalid(at.Child("fieldPath"), rule.FieldPath, "fieldPath must be non-empty if specified"));
            }
            if (HasLineBreaks(rule.FieldPath))
            {
                errors.Add(FieldError.Invalid(at.Child("fieldPath"), rule.FieldPath, "fieldPath must not contain line breaks"));
            }
            if (rule.FieldPath.Length > 0 && RuleFieldPath.Resolve(rule.FieldPath, JsonSchemaProps.Parse(node)).Error is not null)
            {
                errors.Add(FieldError.Invalid(at.Child("fieldPath"), rule.FieldPath, "fieldPath must be a valid path"));
            }
        }
    }

    /// <summary>The list-type checks the rules depend on: a map list names its keys and has object items.</summary>
    private static void ValidateListType(JsonObject node, FieldPath path, List<FieldError> errors)
    {
        var listType = Str(node, "x-kubernetes-list-type");
        var keys = node["x-kubernetes-list-map-keys"] as JsonArray;
        if (listType.Length > 0 && Str(node, "type") != "array")
        {
            errors.Add(Str(node, "type").Length == 0
                ? FieldError.Required(path.Child("type"), "must be array if x-kubernetes-list-type is specified")
                : FieldError.Invalid(path.Child("type"), Str(node, "type"), "must be array if x-kubernetes-list-type is specified"));
        }
        if (listType.Length > 0 && !ListTypes.Contains(listType))
        {
            errors.Add(FieldError.NotSupported(path.Child("x-kubernetes-list-type"), listType, ListTypes));
        }
        if (keys is { Count: > 0 } && listType != "map")
        {
            errors.Add(listType.Length == 0
                ? FieldError.Required(path.Child("x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty")
                : FieldError.Invalid(path.Child("x-kubernetes-list-type"), listType, "must be map if x-kubernetes-list-map-keys is non-empty"));
        }
        if (listType == "map")
        {
            if (keys is not { Count: > 0 })
            {
                errors.Add(FieldError.Required(path.Child("x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"));
            }
            if (node["items"] is JsonObject items && Str(items, "type") != "object")
            {
                errors.Add(FieldError.Invalid(path.Child("items", "type"), Str(items, "type"), "must be object if parent array's x-kubernetes-list-type is map"));
            }
        }
    }

    private static bool HasLineBreaks(string s) => s.AsSpan().IndexOfAny('\n', '\r') >= 0;

    private static string Str(JsonObject obj, string name) => CustomResourceDefinitionValidation.Str(obj, name);

    private static bool Bool(JsonObject obj, string name) => CustomResourceDefinitionValidation.Bool(obj, name);
}
