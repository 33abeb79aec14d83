using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;

namespace Axolotl.Api.Tests.Apiextensions;

/// <summary>What a CRD's schema may hold in allOf, anyOf, oneOf and not, with upstream's ValidateStructural paths and wording.</summary>
public sealed class JunctorSchemaRulesTests
{
    private static List<string> Errors(string schema, bool status = false) =>
    [
        .. CustomResourceDefinitionValidation.Validate(JsonNode.Parse(
            "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":\"widgets.example.com\"}," +
            "\"spec\":{\"group\":\"example.com\",\"scope\":\"Namespaced\",\"names\":{\"plural\":\"widgets\",\"kind\":\"Widget\"}," +
            "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true," + (status ? "\"subresources\":{\"status\":{}}," : "") +
            "\"schema\":{\"openAPIV3Schema\":" + schema + "}}]}}")!.AsObject(), null)
            .Select(e => e.ToString()),
    ];

    private const string At = "spec.validation.openAPIV3Schema";

    [Fact]
    public void Junctors_holding_value_validations_with_required_inside_are_accepted()
    {
        Assert.Empty(Errors("""
            {"type": "object", "oneOf": [{"required": ["spec"]}, {"required": ["data"]}],
             "properties": {
               "data": {"type": "string"},
               "spec": {"type": "object",
                 "anyOf": [{"required": ["a"]}, {"required": ["b"], "properties": {"b": {"minLength": 2, "enum": ["xx", "yy"]}}}],
                 "not": {"required": ["a", "b"]},
                 "allOf": [{"properties": {"list": {"items": {"pattern": "^a"}, "maxItems": 3}}}],
                 "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "list": {"type": "array", "items": {"type": "string"}}}},
               "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
               "target": {"x-kubernetes-int-or-string": true, "allOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]}, {"pattern": "^[0-9a-z]+$"}]}
             }}
            """));
    }

    [Fact]
    public void A_branch_may_not_hold_types_structure_defaults_descriptions_or_extensions()
    {
        var errors = Errors("""
            {"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}},
              "oneOf": [{"type": "object", "description": "d", "title": "t", "nullable": true, "default": {},
                         "additionalProperties": true, "x-kubernetes-preserve-unknown-fields": true,
                         "x-kubernetes-map-type": "atomic", "x-kubernetes-validations": [{"rule": "true"}],
                         "properties": {"a": {"x-kubernetes-int-or-string": true, "x-kubernetes-embedded-resource": true}, "metadata": {}}},
                        {"items": {"x-kubernetes-list-type": "set", "x-kubernetes-list-map-keys": ["k"]}}]}}}
            """);

        var spec = At + ".properties[spec]";
        Assert.Contains($"{spec}.oneOf[0].type: Forbidden: must be empty to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].description: Forbidden: must be empty to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].title: Forbidden: must be empty to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].nullable: Forbidden: must be false to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].default: Forbidden: must be undefined to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].additionalProperties: Forbidden: must be undefined to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].x-kubernetes-map-type: Forbidden: must be undefined to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].x-kubernetes-validations: Forbidden: must be empty to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].properties[a].x-kubernetes-int-or-string: Forbidden: must be false to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].properties[a].x-kubernetes-embedded-resource: Forbidden: must be false to be structural", errors);
        Assert.Contains($"{spec}.oneOf[0].properties[metadata]: Forbidden: must not be specified in a nested context", errors);
        Assert.Contains($"{spec}.oneOf[1].items.x-kubernetes-list-type: Forbidden: must be undefined to be structural", errors);
        Assert.Contains($"{spec}.oneOf[1].items.x-kubernetes-list-map-keys: Forbidden: must be empty to be structural", errors);
    }

    [Fact]
    public void Only_int_or_strings_own_anyOf_may_name_types()
    {
        var errors = Errors("""
            {"type": "object", "properties": {
              "a": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "string"}, {"type": "integer"}]},
              "b": {"x-kubernetes-int-or-string": true, "allOf": [{"pattern": "x"}, {"anyOf": [{"type": "integer"}, {"type": "string"}]}]}}}
            """);

        Assert.Equal(
        [
            $"{At}.properties[a].anyOf[0].type: Forbidden: must be empty to be structural",
            $"{At}.properties[a].anyOf[1].type: Forbidden: must be empty to be structural",
            $"{At}.properties[b].allOf[1].anyOf[0].type: Forbidden: must be empty to be structural",
            $"{At}.properties[b].allOf[1].anyOf[1].type: Forbidden: must be empty to be structural",
        ], errors);
    }

    [Fact]
    public void What_the_roots_junctors_name_must_be_specified_outside_them()
    {
        var errors = Errors("""
            {"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}}, "list": {"type": "string"}},
             "anyOf": [{"properties": {"spec": {"properties": {"a": {"minLength": 1}, "b": {"minLength": 1}}}}}],
             "not": {"properties": {"other": {}, "list": {"items": {}}}}}
            """);

        Assert.Equal(
        [
            $"{At}.properties[list].items: Required value: because it is defined in {At}.not.properties[list].items",
            $"{At}.properties[other]: Required value: because it is defined in {At}.not.properties[other]",
            $"{At}.properties[spec].properties[b]: Required value: because it is defined in {At}.anyOf[0].properties[spec].properties[b]",
        ], errors);
    }

    [Fact]
    public void Ref_and_the_keywords_upstream_does_not_support_are_refused_inside_junctors_too()
    {
        var errors = Errors("""
            {"type": "object", "properties": {"spec": {"type": "object", "uniqueItems": true,
              "allOf": [{"$ref": "#/x"}, {"patternProperties": {"a": {}}}], "not": {"type": "null"}}}}
            """);

        Assert.Contains($"{At}.properties[spec].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic", errors);
        Assert.Contains($"{At}.properties[spec].allOf[0].$ref: Forbidden: $ref is not supported", errors);
        Assert.Contains($"{At}.properties[spec].allOf[1].patternProperties: Forbidden: patternProperties is not supported", errors);
        Assert.Contains($"{At}.properties[spec].not.type: Forbidden: type cannot be set to null, use nullable as an alternative", errors);
        Assert.Contains($"{At}.properties[spec].not.type: Forbidden: must be empty to be structural", errors);
    }

    [Fact]
    public void A_pattern_must_parse_wherever_it_is()
    {
        var errors = Errors("""
            {"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string", "pattern": "(ab"}},
              "anyOf": [{"properties": {"a": {"pattern": "[b-a]"}}}]}}}
            """);

        Assert.Contains($"{At}.properties[spec].properties[a].pattern: Invalid value: \"(ab\": must be a valid regular expression, but isn't: error parsing regexp: missing closing ): `(ab`", errors);
        Assert.Contains($"{At}.properties[spec].anyOf[0].properties[a].pattern: Invalid value: \"[b-a]\": must be a valid regular expression, but isn't: error parsing regexp: invalid character class range: `[b-a]`", errors);
    }

    [Fact]
    public void With_the_status_subresource_the_root_may_hold_no_junctor()
    {
        const string schema = """{"type": "object", "properties": {"spec": {"type": "string"}}, "anyOf": [{"required": ["spec"]}]}""";

        Assert.Empty(Errors(schema));
        Assert.Contains(Errors(schema, status: true), e => e.StartsWith($"{At}: Invalid value: ", StringComparison.Ordinal)
            && e.EndsWith(": only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled", StringComparison.Ordinal));
        Assert.Empty(Errors("""{"type": "object", "required": ["spec"], "properties": {"spec": {"type": "string", "anyOf": [{"minLength": 1}]}}}""", status: true));
    }
}
