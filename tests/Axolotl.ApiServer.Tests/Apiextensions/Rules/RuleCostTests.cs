using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.ApiServer.Apiextensions.Rules;

namespace Axolotl.ApiServer.Tests.Apiextensions.Rules;

/// <summary>
/// Rule costs as kube-apiserver 1.32 estimates them from a CRD's schema (numbers derived by hand from upstream's
/// SchemaDeclType, cel-go's estimator and apiextensions' cardinality), and its refusals with its factors.
/// </summary>
public sealed class RuleCostTests
{
    private const string Root = "spec.validation.openAPIV3Schema";
    private const string Advice = "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";

    private static ulong Cost(string node, string rule)
    {
        var schema = JsonNode.Parse(node)!.AsObject();
        schema["x-kubernetes-validations"] = new JsonArray(new JsonObject { ["rule"] = rule });
        var compiled = RuleCompiler.Compile(JsonSchemaProps.Parse(schema), resourceRoot: false, stored: false).Single();
        Assert.Null(compiled.Error);
        return compiled.Cost;
    }

    private static JsonObject Crd(string spec) => JsonNode.Parse(
        """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"""
        + """ "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},"""
        + """ "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":"""
        + spec + "}}}}]}}")!.AsObject();

    private static List<string> Errors(string spec, string? oldSpec = null)
    {
        var crd = Crd(spec);
        Assert.Empty(CustomResourceDefinitionValidation.Validate(crd, null));
        return [.. CustomResourceDefinitionRules.Validate(crd, oldSpec is null ? null : Crd(oldSpec)).Select(e => e.ToString())];
    }

    [Theory]
    // maxLength counts 4 bytes per character: contains costs ⌈40 × 0.1⌉ × ⌈1 × 0.1⌉, plus 2 to read self.name.
    [InlineData("""{"type":"object","properties":{"name":{"type":"string","maxLength":10}}}""", "self.name.contains('a')", 6)]
    // An enum bounds a string by its longest value (PathPrefix, 10): concatenation ⌈20 × 0.1⌉ + 4, equality 1 + 6.
    [InlineData("""{"type":"object","properties":{"type":{"type":"string","enum":["Exact","PathPrefix"]}}}""", "self.type + self.type == 'ExactExact'", 7)]
    // Upstream sizes an integer field 0, so comparing it traverses nothing.
    [InlineData("""{"type":"object","properties":{"replicas":{"type":"integer"}}}""", "self.replicas == 5", 2)]
    // An unbounded list holds as many of its smallest items ("" and a comma) as fit in 3 MiB: 1,048,575.
    [InlineData("""{"type":"object","properties":{"items":{"type":"array","items":{"type":"string"}}}}""", "self.items.all(x, x.size() < 10)", 6_291_453)]
    // An unbounded map: (3 MiB − 2) / 8 = 393,215 entries; a key is sized 0.
    [InlineData("""{"type":"object","properties":{"labels":{"type":"object","additionalProperties":{"type":"string"}}}}""", "self.labels.all(k, k.size() > 0)", 2_359_293)]
    // maxItems and maxLength bound the same rule: 2 + 1 + 8 × (⌈(4 × 63 + 1) × 0.1⌉ × ⌈8 × 0.25⌉ + 1 + 3).
    [InlineData("""{"type":"object","properties":{"items":{"type":"array","maxItems":8,"items":{"type":"string","maxLength":63}}}}""", "self.items.all(x, x.matches('^[a-z]+$'))", 451)]
    public void A_rule_is_estimated_from_its_nodes_schema(string node, string rule, ulong expected)
    {
        Assert.Equal(expected, Cost(node, rule));
    }

    [Fact]
    public void A_rule_under_an_unbounded_list_counts_as_many_times_as_its_smallest_value_fits_in_a_request()
    {
        // 54 per item: ⌈253 × 0.1⌉ × ⌈8 × 0.25⌉ + 2. An item with a required name is at least {"name":""} (12 bytes), so
        // 3 MiB / 13 = 241,979 of them fit; without the required name {} (2 bytes), 3 MiB / 3 = 1,048,576.
        const string items = """
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"object",REQUIRED"properties":{"name":{"type":"string","maxLength":63}},
              "x-kubernetes-validations":[{"rule":"self.name.matches('^[a-z]+$')"}]}}}}
            """;
        var at = $"{Root}.properties[spec].properties[items].items.x-kubernetes-validations[0].rule: Forbidden: ";

        Assert.Equal([at + $"estimated rule cost exceeds budget by factor of 1.306687x {Advice}"], Errors(items.Replace("REQUIRED", "\"required\":[\"name\"],", StringComparison.Ordinal)));
        Assert.Equal([at + $"estimated rule cost exceeds budget by factor of 5.7x {Advice}"], Errors(items.Replace("REQUIRED", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_update_that_keeps_a_versions_schema_is_not_held_to_the_per_expression_limit_again()
    {
        // 54 × 1,048,576 is over the limit; a CRD stored when estimates differed can still be updated if its schema stays.
        const string spec = """
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string","maxLength":63}},
              "x-kubernetes-validations":[{"rule":"self.name.matches('^[a-z]+$')"}]}}}}
            """;

        Assert.Empty(Errors(spec, oldSpec: spec));
        Assert.Single(Errors(spec, oldSpec: """{"type":"object"}"""));
    }

    [Fact]
    public void A_messageExpression_is_held_to_the_limit_once_not_once_per_item()
    {
        // The message costs 10,026 (⌈4001 × 0.1⌉ × ⌈100 × 0.25⌉ + 1); times 1,000 items it would pass 10,000,000.
        var regex = new string('a', 100);
        Assert.Empty(Errors("""
            {"type":"object","properties":{"names":{"type":"array","maxItems":1000,"items":{"type":"string","maxLength":1000,
              "x-kubernetes-validations":[{"rule":"self.size() > 0","messageExpression":"self.matches('REGEX') ? 'repeats' : 'empty'"}]}}}}
            """.Replace("REGEX", regex, StringComparison.Ordinal)));
    }

    [Fact]
    public void Rules_that_fit_one_by_one_can_pass_the_total_for_the_schema()
    {
        // Each rule: 2 + 1000 × (⌈4001 × 0.1⌉ × ⌈88 × 0.25⌉ + 1 + 3) = 8,826,002; twelve of them pass 100,000,000.
        var rule = $$"""{"rule":"self.all(x, x.matches('{{new string('a', 88)}}'))"}""";
        var errors = Errors("""
            {"type":"object","properties":{"names":{"type":"array","maxItems":1000,"items":{"type":"string","maxLength":1000},
              "x-kubernetes-validations":[RULES]}}}
            """.Replace("RULES", string.Join(",", Enumerable.Repeat(rule, 12)), StringComparison.Ordinal));

        Assert.Equal(4, errors.Count(e => e.EndsWith("Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema", StringComparison.Ordinal)));
        Assert.Equal($"{Root}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of 1.059120x {Advice}", errors[^1]);
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void A_route_shaped_like_the_gateway_apis_is_accepted_with_bounded_lists_and_refused_without()
    {
        // HTTPRoute's shape: rules (maxItems 16) of matches (maxItems 64) with path rules; the path rule costs 413
        // (!contains: ⌈4096 × 0.1⌉ × 1 + 2 + 1), 1,024 times. Without maxItems on matches it can occur 1,048,576 times.
        const string route = """
            {"type":"object","properties":{"rules":{"type":"array","maxItems":16,"items":{"type":"object","properties":{
              "matches":{"type":"array",MATCHES"items":{"type":"object","properties":{"path":{"type":"object","properties":{
                "type":{"type":"string","enum":["Exact","PathPrefix","RegularExpression"]},"value":{"type":"string","maxLength":1024}},
                "x-kubernetes-validations":[{"rule":"!self.value.contains('//')","message":"must not contain '//'"}]}}},
                "x-kubernetes-validations":[{"rule":"self.all(m1, self.exists_one(m2, m1.path.type == m2.path.type))","message":"one match per path type"}]}},
              "x-kubernetes-validations":[{"rule":"self.matches.size() <= 64"}]}}}}
            """;
        var path = $"{Root}.properties[spec].properties[rules].items.properties[matches].items.properties[path].x-kubernetes-validations[0].rule";

        Assert.Empty(Errors(route.Replace("MATCHES", "\"maxItems\":64,", StringComparison.Ordinal)));
        var refused = Errors(route.Replace("MATCHES", "", StringComparison.Ordinal));
        Assert.Contains($"{path}: Forbidden: estimated rule cost exceeds budget by factor of 43.3x {Advice}", refused);
        Assert.Contains($"{Root}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x {Advice}", refused);
    }
}
