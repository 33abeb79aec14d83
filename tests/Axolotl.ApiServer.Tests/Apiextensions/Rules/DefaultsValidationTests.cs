using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.ApiServer.Apiextensions.Rules;

namespace Axolotl.ApiServer.Tests.Apiextensions.Rules;

/// <summary>A CRD's defaults are checked against their schema and its rules when the CRD is written, as upstream's ValidateDefaults.</summary>
public sealed class DefaultsValidationTests
{
    private const string Spec = "spec.validation.openAPIV3Schema.properties[spec]";

    private static List<string> Errors(string spec)
    {
        var crd = JsonNode.Parse(
            """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"""
            + """ "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},"""
            + """ "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":"""
            + spec + "}}}}]}}")!.AsObject();
        Assert.Empty(CustomResourceDefinitionValidation.Validate(crd, null));
        return [.. DefaultsValidation.Validate(crd).Select(e => e.ToString())];
    }

    [Fact]
    public void Defaults_that_satisfy_their_schema_and_rules_pass() =>
        Assert.Empty(Errors("""
            {"type":"object","properties":{"replicas":{"type":"integer","minimum":1,"default":1},
              "worker":{"type":"object","default":{"min":1,"max":2},"properties":{"min":{"type":"integer"},"max":{"type":"integer"}},
                "x-kubernetes-validations":[{"rule":"self.min <= self.max"},{"rule":"self == oldSelf"}]}}}
            """));

    [Fact]
    public void A_default_outside_its_schema_is_refused_in_the_schema_validations_words() =>
        Assert.Equal([
            $"{Spec}.properties[replicas].default: Invalid value: 0:  in body should be greater than or equal to 1",
            $"{Spec}.properties[mode].default: Unsupported value: \"fast\": supported values: \"slow\"",
            $"{Spec}.properties[worker].default.min: Invalid value: \"string\": min in body must be of type integer: \"string\"",
        ], Errors("""
            {"type":"object","properties":{"replicas":{"type":"integer","minimum":1,"default":0},
              "mode":{"type":"string","enum":["slow"],"default":"fast"},
              "worker":{"type":"object","default":{"min":"one"},"properties":{"min":{"type":"integer"}},"x-kubernetes-validations":[{"rule":"self.min > 0"}]}}}
            """));

    [Fact]
    public void A_default_that_fails_a_rule_is_refused_at_the_default_with_the_rules_message()
    {
        Assert.Equal([
            $"{Spec}.properties[worker].default: Invalid value: \"object\": failed rule: self.min <= self.max",
            $"{Spec}.properties[worker].default.max: Invalid value: \"integer\": must be positive",
            $"{Spec}.properties[limits].default: Invalid value: \"object\": no such key: min evaluating rule: self.min <= self.max",
        ], Errors("""
            {"type":"object","properties":{
              "worker":{"type":"object","default":{"min":3,"max":-2},"properties":{"min":{"type":"integer"},"max":{"type":"integer","x-kubernetes-validations":[{"rule":"self > 0","message":"must be positive"}]}},
                "x-kubernetes-validations":[{"rule":"self.min <= self.max"}]},
              "limits":{"type":"object","default":{"max":1},"properties":{"min":{"type":"integer"},"max":{"type":"integer"}},
                "x-kubernetes-validations":[{"rule":"self.min <= self.max"}]}}}
            """));
    }

    [Fact]
    public void A_rule_with_optionalOldSelf_is_also_checked_as_on_a_create()
    {
        // oldSelf is the default itself on the first run, and absent on the second.
        Assert.Equal([$"{Spec}.properties[size].default: Invalid value: \"integer\": new sizes start at 10"],
            Errors("""
                {"type":"object","properties":{"size":{"type":"integer","default":5,
                  "x-kubernetes-validations":[{"rule":"oldSelf.hasValue() || self >= 10","optionalOldSelf":true,"message":"new sizes start at 10"}]}}}
                """));
    }

    [Fact]
    public void A_default_with_fields_its_schema_would_prune_is_refused() =>
        Assert.Equal([$"{Spec}.properties[worker].default: Invalid value: map[string]interface {{}}{{\"extra\":true, \"min\":1}}: must not have unknown fields"],
            Errors("""{"type":"object","properties":{"worker":{"type":"object","default":{"min":1,"extra":true},"properties":{"min":{"type":"integer"}}}}}"""));
}
