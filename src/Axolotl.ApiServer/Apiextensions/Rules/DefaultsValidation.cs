using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Apiextensions.Structural;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Axolotl.Cel;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// Checks every <c>default</c> of a CRD's schemas when the CRD is written, as upstream's defaulting.ValidateDefaults:
/// a default must be pruned already ("must not have unknown fields"), valid against its node's schema (errors at
/// <c>…properties[x].default</c>, worded as the schema validation words them with an empty root), and then pass the
/// x-kubernetes-validations rules at and under its node, run once with oldSelf the default itself and, when that
/// passes, once with no old value (so an optionalOldSelf rule sees a create). One 10,000,000 runtime budget covers all
/// the defaults of a schema; each double run leaves what the dearer of its two runs left. additionalProperties are
/// not followed (defaults are forbidden there). Not done: upstream's ObjectMeta checks of defaults inside the
/// metadata of a resource or an embedded resource.
/// </summary>
public static class DefaultsValidation
{
    /// <summary>The errors of the defaults in every schema of <paramref name="crd"/> (empty when none fails).</summary>
    public static IReadOnlyList<FieldError> Validate(JsonObject crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var errors = new List<FieldError>();
        if ((crd["spec"] as JsonObject)?["versions"] is not JsonArray versions)
        {
            return errors;
        }
        foreach (var (path, schema) in CustomResourceDefinitionValidation.Schemas(versions))
        {
            var budget = CelCostBudget.KubernetesRuntimeBudget;
            // The root of a resource: as upstream, it counts as an embedded resource (its apiVersion, kind and metadata are metadata).
            Visit(JsonSchemaProps.Parse(schema), path, embedded: true, insideMeta: false, ref budget, errors);
        }
        return errors;
    }

    /// <returns>False once the budget ran out: nothing more is checked.</returns>
    private static bool Visit(JsonSchemaProps node, FieldPath path, bool embedded, bool insideMeta, ref long budget, List<FieldError> errors)
    {
        if (embedded)
        {
            insideMeta = false;
        }
        if (node.Default is { } value && !Check(node, value, path.Child("default"), resourceRoot: embedded, insideMeta, ref budget, errors))
        {
            return false;
        }
        if (node.Items is { } items && !Visit(items, path.Child("items"), items.EmbeddedResource, insideMeta, ref budget, errors))
        {
            return false;
        }
        foreach (var (name, property) in node.Properties)
        {
            var meta = insideMeta || (embedded && name is "metadata" or "apiVersion" or "kind");
            if (!Visit(property, path.Child("properties").Key(name), property.EmbeddedResource, meta, ref budget, errors))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Check(JsonSchemaProps node, JsonNode value, FieldPath at, bool resourceRoot, bool insideMeta, ref long budget, List<FieldError> errors)
    {
        if (!insideMeta)
        {
            var pruned = value.DeepClone();
            SchemaPruner.PruneValue(node, pruned, resourceRoot);
            if (!JsonNode.DeepEquals(pruned, value))
            {
                errors.Add(FieldError.Invalid(at, GoSyntax(value), "must not have unknown fields"));
            }
        }
        var schemaErrors = SchemaValidator.ValidateValue(node, value, at);
        if (schemaErrors.Count > 0)
        {
            errors.AddRange(schemaErrors);
            return true;
        }
        if (RuleValidator.ForNode(node, resourceRoot) is not { } rules)
        {
            return true;
        }
        var start = budget;
        var withOld = new CelCostBudget(start);
        var ruleErrors = RuleEvaluation.ValidateValue(rules, at, value, value, withOld);
        errors.AddRange(ruleErrors);
        var left = withOld.Remaining;
        if (ruleErrors.Count == 0)
        {
            // A create (or an update that cannot correlate) introduces the default with no old value.
            var withoutOld = new CelCostBudget(start);
            errors.AddRange(RuleEvaluation.ValidateValue(rules, at, value, null, withoutOld));
            left = Math.Min(left, withoutOld.Remaining);
        }
        budget = left;
        return budget >= 0;
    }

    /// <summary>Go's %#v of a decoded JSON value, as field.Invalid prints a default that is an object or a list.</summary>
    private static object? GoSyntax(JsonNode? value) => value switch
    {
        JsonObject or JsonArray => new GoValue.GoSyntax(GoSharpV(value)),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue(out long l) ? l : v.GetValue<double>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => null,
    };

    private static string GoSharpV(JsonNode? value) => value switch
    {
        JsonObject o => "map[string]interface {}{" + string.Join(", ", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => GoValue.Quote(p.Key) + ":" + GoSharpV(p.Value))) + "}",
        JsonArray a => "[]interface {}{" + string.Join(", ", a.Select(GoSharpV)) + "}",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => GoValue.Quote(v.GetValue<string>()),
            JsonValueKind.Number => v.TryGetValue(out long l) ? l.ToString(CultureInfo.InvariantCulture) : v.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "interface {}(nil)",
        },
        _ => "interface {}(nil)",
    };
}
