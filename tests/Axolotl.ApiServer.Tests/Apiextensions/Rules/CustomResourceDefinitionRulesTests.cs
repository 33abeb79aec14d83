using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.ApiServer.Apiextensions.Rules;

namespace Axolotl.ApiServer.Tests.Apiextensions.Rules;

/// <summary>What a CRD's x-kubernetes-validations must satisfy when the CRD is written, in upstream's words.</summary>
public sealed class CustomResourceDefinitionRulesTests
{
    private const string Root = "spec.validation.openAPIV3Schema";

    /// <summary>A one-version CRD whose spec schema is <paramref name="spec"/>.</summary>
    private static JsonObject Crd(string spec) => JsonNode.Parse(
        """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"""
        + """ "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},"""
        + """ "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":"""
        + spec + "}}}}]}}")!.AsObject();

    private static List<string> Errors(string spec)
    {
        var crd = Crd(spec);
        var errors = CustomResourceDefinitionValidation.Validate(crd, null).ToList();
        if (errors.Count == 0)
        {
            errors.AddRange(CustomResourceDefinitionRules.Validate(crd));
        }
        return [.. errors.Select(e => e.ToString())];
    }

    [Fact]
    public void A_new_rule_cannot_use_two_variable_comprehensions_but_a_rule_the_CRD_already_had_can()
    {
        const string spec = """{"type":"object","properties":{"m":{"type":"object","maxProperties":5,"additionalProperties":{"type":"integer"}}},"x-kubernetes-validations":[{"rule":"self.m.all(k, v, v >= 0)"}]}""";
        var refused = CustomResourceDefinitionRules.Validate(Crd(spec)).Select(e => e.ToString()).ToList();
        Assert.Contains(refused, e => e.Contains("undeclared reference to 'all' (in container '')", StringComparison.Ordinal));

        // As upstream, an expression the CRD already had compiles in the stored expressions' environment (all of 1.32).
        var old = Crd(spec);
        old["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["description"] = "before";
        Assert.Empty(CustomResourceDefinitionRules.Validate(Crd(spec), old));
    }

    [Fact]
    public void A_rule_that_compiles_within_its_cost_is_accepted()
    {
        Assert.Empty(Errors("""
            {"type":"object","properties":{"replicas":{"type":"integer"},"tags":{"type":"array","maxItems":10,"items":{"type":"string","maxLength":20}}},
             "x-kubernetes-validations":[{"rule":"self.replicas >= 0 && self.tags.all(t, self.tags.exists_one(u, u == t))","message":"bad","reason":"FieldValueForbidden","fieldPath":".replicas"}]}
            """));
    }

    [Fact]
    public void A_rule_that_does_not_compile_is_refused_with_the_compilers_message()
    {
        var errors = Errors("""{"type":"object","x-kubernetes-validations":[{"rule":"foo == 1"}]}""");

        Assert.Equal([
            $"{Root}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{{Rule:\"foo == 1\", Message:\"\", MessageExpression:\"\", "
            + "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: "
            + "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo == 1\n | ^",
        ], errors);
    }

    [Fact]
    public void A_field_the_schema_does_not_declare_is_an_undefined_field()
    {
        var errors = Errors("""
            {"type":"object","properties":{"replicas":{"type":"integer"},"pods":{"type":"array","maxItems":5,"items":{"type":"object","properties":{"name":{"type":"string","maxLength":5}}}},
              "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},
             "x-kubernetes-validations":[{"rule":"self.replicas > 0 && has(self.free.anything) && self.pods.all(p, p.name != '')"},{"rule":"self.replicsa > 0"},{"rule":"self.pods.all(p, p.nmae != '')"}]}
            """);

        // Unknown fields of an x-kubernetes-preserve-unknown-fields object are not visible to rules, as upstream.
        Assert.Equal(3, errors.Count);
        Assert.Contains("[0].rule: Invalid value: ", errors[0]);
        Assert.Contains("undefined field 'anything'", errors[0]);
        Assert.EndsWith("compilation failed: ERROR: <input>:1:5: undefined field 'replicsa'\n | self.replicsa > 0\n | ....^", errors[1]);
        Assert.Contains("[2].rule: Invalid value: ", errors[2]);
        Assert.Contains("undefined field 'nmae'", errors[2]);
    }

    [Fact]
    public void A_messageExpression_that_does_not_compile_is_refused()
    {
        var errors = Errors("""{"type":"object","x-kubernetes-validations":[{"rule":"true","messageExpression":"bar + 'x'"}]}""");

        Assert.Single(errors);
        Assert.StartsWith($"{Root}.properties[spec].x-kubernetes-validations[0].messageExpression: Invalid value: apiextensions.ValidationRule{{Rule:\"true\"", errors[0]);
        Assert.Contains(": messageExpression compilation failed: ERROR: <input>:1:1: undeclared reference to 'bar'", errors[0]);
    }

    [Fact]
    public void Message_reason_and_fieldPath_are_checked_before_compiling()
    {
        var errors = Errors("""
            {"type":"object","properties":{"a":{"type":"string"}},"x-kubernetes-validations":[
              {"rule":"true","message":"   "},
              {"rule":"true","message":"two\nlines"},
              {"rule":"self.a\n== 'x'"},
              {"rule":"true","reason":"FieldValueBogus"},
              {"rule":"true","fieldPath":".b"},
              {"rule":""}]}
            """);
        var at = $"{Root}.properties[spec].x-kubernetes-validations";

        Assert.Equal([
            $"{at}[0].message: Invalid value: \"   \": message must be non-empty if specified",
            $"{at}[1].message: Invalid value: \"two\\nlines\": message must not contain line breaks",
            $"{at}[2].message: Required value: message must be specified if rule contains line breaks",
            $"{at}[3].reason: Unsupported value: \"FieldValueBogus\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\"",
            $"{at}[4].fieldPath: Invalid value: \".b\": fieldPath must be a valid path",
            $"{at}[5].rule: Required value: rule is not specified",
        ], errors);
    }

    [Fact]
    public void A_rule_whose_estimated_cost_passes_the_limit_is_refused_and_maxItems_makes_it_fit()
    {
        const string rule = "\"x-kubernetes-validations\":[{\"rule\":\"self.tags.all(x, self.tags.all(y, x == y || x != y))\"}]";

        var unbounded = Errors("""{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"}}},""" + rule + "}");
        var bounded = Errors("""{"type":"object","properties":{"tags":{"type":"array","maxItems":20,"items":{"type":"string","maxLength":64}}},""" + rule + "}");

        Assert.Contains($"{Root}.properties[spec].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x "
            + "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)", unbounded);
        Assert.Empty(bounded);
    }

    [Fact]
    public void A_rule_under_an_unbounded_list_counts_every_place_it_can_run()
    {
        // Cheap once, but a rule on the items of an unbounded list can run for each of a million items.
        var errors = Errors("""
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"string","maxLength":1000,
              "x-kubernetes-validations":[{"rule":"self.contains('a') && self.contains('b') && self.contains('c')"}]}}}}
            """);

        Assert.Contains(errors, e => e.StartsWith($"{Root}.properties[spec].properties[items].items.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget", StringComparison.Ordinal));
    }

    [Fact]
    public void OldSelf_needs_a_correlatable_place_and_optionalOldSelf_a_transition_rule()
    {
        var errors = Errors("""
            {"type":"object","x-kubernetes-validations":[{"rule":"self == self","optionalOldSelf":true}],
             "properties":{
               "plain":{"type":"array","maxItems":5,"items":{"type":"string","maxLength":5,"x-kubernetes-validations":[{"rule":"self == oldSelf"}]}},
               "keyed":{"type":"array","maxItems":5,"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                 "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string","maxLength":5}},"x-kubernetes-validations":[{"rule":"self.name == oldSelf.name"}]}}}}
            """);

        Assert.Equal([
            $"{Root}.properties[spec].x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule",
            $"{Root}.properties[spec].properties[plain].items.x-kubernetes-validations[0].rule: Invalid value: \"self == oldSelf\": "
            + $"oldSelf cannot be used on the uncorrelatable portion of the schema within {Root}.properties[spec].properties[plain]",
        ], errors);
    }
}
