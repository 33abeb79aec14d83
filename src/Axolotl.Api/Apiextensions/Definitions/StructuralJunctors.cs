using System.Text.Json.Nodes;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Apiextensions.Definitions;

/// <summary>
/// The junctors (allOf, anyOf, oneOf, not) as upstream's ValidateStructural allows them. A branch holds value
/// validations only: no type, additionalProperties, default, title, description, nullable, x-kubernetes-* extensions
/// or CEL rules, and no metadata property ("must be empty to be structural", "must be undefined to be structural"), so
/// that pruning and defaulting can ignore junctors. The exceptions are x-kubernetes-int-or-string's own patterns,
/// <c>anyOf: [{type: integer}, {type: string}]</c> and the same anyOf as the first allOf branch, which may name types.
/// The junctors at the schema's root must also name only properties and items the structural schema specifies
/// ("Required value: because it is defined in …"); upstream checks this completeness from the root only.
/// The errors are sorted, as upstream sorts ValidateStructural's.
/// </summary>
internal static class StructuralJunctors
{
    private static readonly JsonNode IntegerBranch = new JsonObject { ["type"] = "integer" };
    private static readonly JsonNode StringBranch = new JsonObject { ["type"] = "string" };

    public static void Validate(JsonObject root, FieldPath path, List<FieldError> errors)
    {
        var found = new List<FieldError>();
        Structural(root, path, found);
        Completeness(root, root, path, path, found);
        found.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        errors.AddRange(found);
    }

    /// <summary>Each node of the structural part (properties, items, additionalProperties, never a junctor's branch).</summary>
    private static void Structural(JsonObject node, FieldPath path, List<FieldError> errors)
    {
        ValueValidation(node, skipAnyOf: IsIntOrStringAnyOf(node), skipFirstAllOfAnyOf: IsIntOrStringAllOf(node), path, errors);
        if (node["items"] is JsonObject items)
        {
            Structural(items, path.Child("items"), errors);
        }
        foreach (var (name, child) in node["properties"] as JsonObject ?? [])
        {
            if (child is JsonObject property)
            {
                Structural(property, path.Child("properties").Key(name), errors);
            }
        }
        if (node["additionalProperties"] is JsonObject additional)
        {
            Structural(additional, path.Child("additionalProperties"), errors);
        }
    }

    private static void ValueValidation(JsonObject node, bool skipAnyOf, bool skipFirstAllOfAnyOf, FieldPath path, List<FieldError> errors)
    {
        if (!skipAnyOf)
        {
            Branches(node, "anyOf", path, errors, _ => false);
        }
        Branches(node, "allOf", path, errors, i => skipFirstAllOfAnyOf && i == 0);
        Branches(node, "oneOf", path, errors, _ => false);
        if (node["not"] is JsonObject not)
        {
            Nested(not, skipAnyOf: false, path.Child("not"), errors);
        }
    }

    private static void Branches(JsonObject node, string junctor, FieldPath path, List<FieldError> errors, Func<int, bool> skipAnyOf)
    {
        if (node[junctor] is not JsonArray branches)
        {
            return;
        }
        for (var i = 0; i < branches.Count; i++)
        {
            if (branches[i] is JsonObject branch)
            {
                Nested(branch, skipAnyOf(i), path.Child(junctor).Index(i), errors);
            }
        }
    }

    /// <summary>One branch of a junctor, and everything below it.</summary>
    private static void Nested(JsonObject node, bool skipAnyOf, FieldPath path, List<FieldError> errors)
    {
        ValueValidation(node, skipAnyOf, skipFirstAllOfAnyOf: false, path, errors);
        if (node["items"] is JsonObject items)
        {
            Nested(items, skipAnyOf: false, path.Child("items"), errors);
        }
        var properties = node["properties"] as JsonObject ?? [];
        foreach (var (name, child) in properties)
        {
            if (child is JsonObject property)
            {
                Nested(property, skipAnyOf: false, path.Child("properties").Key(name), errors);
            }
        }
        if (Str(node, "type").Length > 0)
        {
            errors.Add(FieldError.Forbidden(path.Child("type"), "must be empty to be structural"));
        }
        // additionalProperties: false is the same as leaving it out; true or a schema is not.
        if (node["additionalProperties"] is JsonObject || Bool(node, "additionalProperties"))
        {
            errors.Add(FieldError.Forbidden(path.Child("additionalProperties"), "must be undefined to be structural"));
        }
        if (node["default"] is not null)
        {
            errors.Add(FieldError.Forbidden(path.Child("default"), "must be undefined to be structural"));
        }
        foreach (var text in new[] { "title", "description" })
        {
            if (Str(node, text).Length > 0)
            {
                errors.Add(FieldError.Forbidden(path.Child(text), "must be empty to be structural"));
            }
        }
        foreach (var flag in new[] { "nullable", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string" })
        {
            if (Bool(node, flag))
            {
                errors.Add(FieldError.Forbidden(path.Child(flag), "must be false to be structural"));
            }
        }
        if (node["x-kubernetes-list-map-keys"] is JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(path.Child("x-kubernetes-list-map-keys"), "must be empty to be structural"));
        }
        foreach (var extension in new[] { "x-kubernetes-list-type", "x-kubernetes-map-type" })
        {
            if (node[extension] is not null)
            {
                errors.Add(FieldError.Forbidden(path.Child(extension), "must be undefined to be structural"));
            }
        }
        if (node["x-kubernetes-validations"] is JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(path.Child("x-kubernetes-validations"), "must be empty to be structural"));
        }
        if (properties.ContainsKey("metadata"))
        {
            errors.Add(FieldError.Forbidden(path.Child("properties").Key("metadata"), "must not be specified in a nested context"));
        }
    }

    /// <summary>What the junctors of <paramref name="junctors"/> name must exist in the structural node <paramref name="node"/>.</summary>
    private static void Completeness(JsonObject junctors, JsonObject node, FieldPath nodePath, FieldPath junctorPath, List<FieldError> errors)
    {
        if (junctors["not"] is JsonObject not)
        {
            NestedCompleteness(not, node, nodePath, junctorPath.Child("not"), errors);
        }
        foreach (var junctor in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (junctors[junctor] is JsonArray branches)
            {
                for (var i = 0; i < branches.Count; i++)
                {
                    if (branches[i] is JsonObject branch)
                    {
                        NestedCompleteness(branch, node, nodePath, junctorPath.Child(junctor).Index(i), errors);
                    }
                }
            }
        }
    }

    private static void NestedCompleteness(JsonObject branch, JsonObject? node, FieldPath nodePath, FieldPath branchPath, List<FieldError> errors)
    {
        if (node is null)
        {
            errors.Add(FieldError.Required(nodePath, $"because it is defined in {branchPath}"));
            return;
        }
        Completeness(branch, node, nodePath, branchPath, errors);
        if (branch["items"] is JsonObject items)
        {
            NestedCompleteness(items, node["items"] as JsonObject, nodePath.Child("items"), branchPath.Child("items"), errors);
        }
        var specified = node["properties"] as JsonObject ?? [];
        foreach (var (name, child) in branch["properties"] as JsonObject ?? [])
        {
            if (child is not JsonObject property)
            {
                continue;
            }
            if (specified[name] is JsonObject counterpart)
            {
                NestedCompleteness(property, counterpart, nodePath.Child("properties").Key(name), branchPath.Child("properties").Key(name), errors);
            }
            else
            {
                errors.Add(FieldError.Required(nodePath.Child("properties").Key(name), $"because it is defined in {branchPath.Child("properties").Key(name)}"));
            }
        }
    }

    /// <summary>x-kubernetes-int-or-string's anyOf: [{type: integer}, {type: string}], exactly.</summary>
    private static bool IsIntOrStringAnyOf(JsonObject node) =>
        node["anyOf"] is JsonArray { Count: 2 } anyOf && JsonNode.DeepEquals(anyOf[0], IntegerBranch) && JsonNode.DeepEquals(anyOf[1], StringBranch);

    /// <summary>The same anyOf as the first allOf branch.</summary>
    private static bool IsIntOrStringAllOf(JsonObject node) =>
        node["allOf"] is JsonArray { Count: > 0 } allOf && allOf[0] is JsonObject first && IsIntOrStringAnyOf(first);

    private static string Str(JsonObject obj, string name) => CustomResourceDefinitionValidation.Str(obj, name);

    private static bool Bool(JsonObject obj, string name) => CustomResourceDefinitionValidation.Bool(obj, name);
}
