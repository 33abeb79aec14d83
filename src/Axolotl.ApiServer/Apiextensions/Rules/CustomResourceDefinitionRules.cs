using System.Globalization;
using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// What kube-apiserver checks of a CRD's x-kubernetes-validations when the CRD is written, beyond the checks that
/// need no compiler (Api's CustomResourceDefinitionValidation): every rule and messageExpression compiles, oldSelf is
/// used only where an old value can be found, optionalOldSelf only on a transition rule, and the estimated cost of
/// each rule (times how often its node can occur) and of all of them stays under upstream's limits.
/// </summary>
public static class CustomResourceDefinitionRules
{
    /// <summary>Upstream's StaticEstimatedCostLimit: the most one expression may be estimated to cost in one object.</summary>
    public const ulong PerExpressionCostLimit = 10_000_000;

    /// <summary>Upstream's StaticEstimatedCRDCostLimit: the most all the rules of one schema may be estimated to cost.</summary>
    public const ulong TotalCostLimit = 100_000_000;

    private const string CostAdvice = "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";

    /// <param name="oldCrd">The CRD before an update: as upstream, a version whose schema did not change is not held to
    /// the per-expression limit again (an estimate that changed between releases must not block unrelated updates); the
    /// total still applies.</param>
    public static IReadOnlyList<FieldError> Validate(JsonObject crd, JsonObject? oldCrd = null)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var errors = new List<FieldError>();
        if ((crd["spec"] as JsonObject)?["versions"] is not JsonArray versions)
        {
            return errors;
        }
        var oldSchemas = ((oldCrd?["spec"] as JsonObject)?["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => v["name"] is JsonValue).GroupBy(v => v["name"]!.ToString()).ToDictionary(g => g.Key, g => SchemaOf(g.First()));
        var preexisting = PreexistingExpressions(oldCrd);
        foreach (var (path, schema) in CustomResourceDefinitionValidation.Schemas(versions))
        {
            // The version the schema belongs to: itself, or the first when all versions share one (upstream's spec.version).
            var version = versions.OfType<JsonObject>().FirstOrDefault(v => ReferenceEquals(SchemaOf(v), schema));
            var unchanged = version?["name"]?.ToString() is { } name && oldSchemas.TryGetValue(name, out var old) && JsonNode.DeepEquals(old, schema);
            var costs = new List<(FieldPath Path, ulong Cost)>();
            Visit(JsonSchemaProps.Parse(schema), path, resourceRoot: true, cardinality: 1, uncorrelatable: null, new Walk(costs, errors, !unchanged, preexisting));
            var total = costs.Aggregate(0UL, (sum, c) => Sat(sum, c.Cost));
            if (total > TotalCostLimit)
            {
                // As upstream, name the (at most four) costliest expressions among those above 1% of the limit.
                foreach (var (at, _) in costs.Where(c => c.Cost >= TotalCostLimit / 100).OrderByDescending(c => c.Cost).Take(4))
                {
                    errors.Add(FieldError.Forbidden(at, "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"));
                }
                errors.Add(FieldError.Forbidden(path, CostMessage("x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema", total, TotalCostLimit)));
            }
        }
        return errors;
    }

    private static JsonObject? SchemaOf(JsonObject version) => (version["schema"] as JsonObject)?["openAPIV3Schema"] as JsonObject;

    /// <summary>What a walk over one schema collects: every expression's cost, the errors, and whether the per-expression limit applies.</summary>
    private sealed record Walk(List<(FieldPath Path, ulong Cost)> Costs, List<FieldError> Errors, bool PerExpressionLimit, IReadOnlySet<string> Preexisting);

    /// <summary>Upstream's findPreexistingExpressions: every rule and messageExpression of the CRD before an update.</summary>
    private static HashSet<string> PreexistingExpressions(JsonObject? oldCrd)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        void Visit(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        if (key == "x-kubernetes-validations" && value is JsonArray rules)
                        {
                            foreach (var rule in rules.OfType<JsonObject>())
                            {
                                foreach (var field in (string[])["rule", "messageExpression"])
                                {
                                    if (rule[field] is JsonValue text && text.TryGetValue(out string? expression))
                                    {
                                        found.Add(expression);
                                    }
                                }
                            }
                        }
                        Visit(value);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Visit(item);
                    }
                    break;
                default:
                    break;
            }
        }
        Visit((oldCrd?["spec"] as JsonObject)?["versions"]);
        Visit((oldCrd?["spec"] as JsonObject)?["validation"]);
        return found;
    }

    /// <param name="cardinality">How many times this node can occur in one object: the product of maxItems and
    /// maxProperties above it (1 under an object's properties), null once one of them is unbounded.</param>
    private static void Visit(JsonSchemaProps node, FieldPath path, bool resourceRoot, ulong? cardinality, FieldPath? uncorrelatable, Walk walk)
    {
        if (node.ValidationRules.Count > 0)
        {
            // Under an unbounded list or map, as many of the node's smallest values as fit in a request.
            var times = cardinality ?? RuleSizes.Of(node, resourceRoot)?.MaxCardinality ?? RuleSizes.MaxRequestSizeBytes / 2;
            var compiled = RuleCompiler.Compile(node, resourceRoot, stored: false, walk.Preexisting);
            for (var i = 0; i < compiled.Count; i++)
            {
                Check(compiled[i], path.Child("x-kubernetes-validations").Index(i), times, uncorrelatable, walk);
            }
        }
        foreach (var (name, property) in node.Properties)
        {
            Visit(property, path.Child("properties").Key(name), property.EmbeddedResource, cardinality, uncorrelatable, walk);
        }
        if (node.AdditionalProperties is { } values)
        {
            Visit(values, path.Child("additionalProperties"), values.EmbeddedResource, Times(cardinality, node.MaxProperties), uncorrelatable, walk);
        }
        if (node.Items is { } items)
        {
            // Only a list of type map lets an item find its old self; under any other list oldSelf has nothing to mean.
            Visit(items, path.Child("items"), items.EmbeddedResource, Times(cardinality, node.MaxItems), node.ListType == "map" ? uncorrelatable : uncorrelatable ?? path, walk);
        }
    }

    private static void Check(CompiledRule rule, FieldPath at, ulong times, FieldPath? uncorrelatable, Walk walk)
    {
        var (costs, errors) = (walk.Costs, walk.Errors);
        if (rule.Program is null)
        {
            // "rule is not specified" was reported by the checks before compiling.
            if (rule.Rule.Rule.Trim().Length > 0)
            {
                errors.Add(FieldError.Invalid(at.Child("rule"), new GoValue.GoSyntax(rule.Rule.GoSyntax()), rule.Error ?? "compilation failed"));
            }
            return;
        }
        var cost = Mul(rule.Cost, times);
        if (walk.PerExpressionLimit && cost > PerExpressionCostLimit)
        {
            errors.Add(FieldError.Forbidden(at.Child("rule"), CostMessage("estimated rule cost", cost, PerExpressionCostLimit)));
        }
        costs.Add((at.Child("rule"), cost));
        if (rule.MessageExpressionError is { } messageError)
        {
            errors.Add(FieldError.Invalid(at.Child("messageExpression"), new GoValue.GoSyntax(rule.Rule.GoSyntax()), messageError));
        }
        else if (rule.MessageExpression is not null)
        {
            // Upstream holds a messageExpression to the limit once, not times its node's cardinality.
            var messageCost = rule.MessageExpressionCost;
            if (walk.PerExpressionLimit && messageCost > PerExpressionCostLimit)
            {
                errors.Add(FieldError.Forbidden(at.Child("messageExpression"), CostMessage("estimated messageExpression cost", messageCost, PerExpressionCostLimit)));
            }
            costs.Add((at.Child("messageExpression"), messageCost));
        }
        if (rule.UsesOldSelf && uncorrelatable is { } within)
        {
            errors.Add(FieldError.Invalid(at.Child("rule"), rule.Rule.Rule, $"oldSelf cannot be used on the uncorrelatable portion of the schema within {within}"));
        }
        else if (!rule.UsesOldSelf && rule.Rule.OptionalOldSelf is { } optional)
        {
            errors.Add(FieldError.Invalid(at.Child("optionalOldSelf"), optional, "may not be set if oldSelf is not used in rule"));
        }
    }

    // Upstream's wording, with its three ways of printing the factor (Go's %f below 1.5, %.1f up to 100).
    private static string CostMessage(string what, ulong cost, ulong limit)
    {
        var factor = (double)cost / limit;
        var shown = factor > 100 ? "more than 100x"
            : factor < 1.5 ? factor.ToString("F6", CultureInfo.InvariantCulture) + "x"
            : factor.ToString("F1", CultureInfo.InvariantCulture) + "x";
        return $"{what} exceeds budget by factor of {shown} {CostAdvice}";
    }

    private static ulong? Times(ulong? cardinality, long? max) => cardinality is { } c && max is { } m ? Mul(c, (ulong)Math.Max(m, 0)) : null;

    private static ulong Sat(ulong a, ulong b) => a > ulong.MaxValue - b ? ulong.MaxValue : a + b;

    private static ulong Mul(ulong a, ulong b) => a != 0 && b > ulong.MaxValue / a ? ulong.MaxValue : a * b;
}
