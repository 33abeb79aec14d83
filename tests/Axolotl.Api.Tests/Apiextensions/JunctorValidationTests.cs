using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Apiextensions.Structural;

namespace Axolotl.Api.Tests.Apiextensions;

/// <summary>allOf, anyOf, oneOf and not on custom resources, with kube-openapi's wording as kube-apiserver reports it.</summary>
public sealed class JunctorValidationTests
{
    // A certificate issuer in the style of cert-manager's: exactly one of acme or ca, an email or a server, never both
    // a tls and a plain port, a size that is a multiple of 8 and at least 16 or exactly 0.
    private static readonly JsonSchemaProps Issuer = JsonSchemaProps.Parse(JsonNode.Parse("""
        {"type": "object", "properties": {
          "spec": {"type": "object",
            "oneOf": [{"required": ["acme"]}, {"required": ["ca"]}],
            "properties": {
              "acme": {"type": "object", "anyOf": [{"required": ["email"]}, {"required": ["server"]}],
                "properties": {"email": {"type": "string"}, "server": {"type": "string"}}},
              "ca": {"type": "object", "properties": {"secretName": {"type": "string"}}},
              "ports": {"type": "object", "not": {"required": ["tls", "plain"]},
                "properties": {"tls": {"type": "integer"}, "plain": {"type": "integer"}}},
              "size": {"type": "integer", "allOf": [{"multipleOf": 8}, {"minimum": 16}]},
              "port": {"x-kubernetes-int-or-string": true, "nullable": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
              "mode": {"type": "string", "oneOf": [{"enum": ["a", "b"]}, {"enum": ["b", "c"]}]},
              "tags": {"type": "array", "items": {"type": "string", "not": {"pattern": "^x"}}}
            }}
        }}
        """)!.AsObject());

    private static List<string> Errors(string spec) =>
        [.. SchemaValidator.Validate(Issuer, JsonNode.Parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Issuer\",\"metadata\":{\"name\":\"i\"},\"spec\":" + spec + "}")!.AsObject())
            .Select(e => e.ToString())];

    [Fact]
    public void Objects_that_satisfy_every_junctor_are_valid()
    {
        Assert.Empty(Errors("""{"acme":{"email":"a@b.c"},"ports":{"tls":443},"size":24,"port":"http","mode":"a","tags":["y"]}"""));
        Assert.Empty(Errors("""{"ca":{"secretName":"s"},"port":8080,"mode":"c"}"""));
        Assert.Empty(Errors("""{"ca":{},"port":null}"""));
    }

    [Fact]
    public void A_oneOf_with_no_passing_branch_reports_its_failure_at_a_nil_path_and_the_first_branchs_errors()
    {
        Assert.Equal(
        [
            "<nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found none valid",
            "spec.acme: Required value",
        ], Errors("{}"));
    }

    [Fact]
    public void A_oneOf_with_two_passing_branches_says_how_many()
    {
        Assert.Equal(["<nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found 2 valid alternatives"],
            Errors("""{"acme":{"server":"s"},"ca":{}}"""));
        Assert.Equal(["<nil>: Invalid value: \"\": \"spec.mode\" must validate one and only one schema (oneOf). Found 2 valid alternatives"],
            Errors("""{"ca":{},"mode":"b"}"""));
    }

    [Fact]
    public void An_anyOf_with_no_passing_branch_says_so_beside_the_first_branchs_errors()
    {
        Assert.Equal(
        [
            "<nil>: Invalid value: \"\": \"spec.acme\" must validate at least one schema (anyOf)",
            "spec.acme.email: Required value",
        ], Errors("""{"acme":{}}"""));
    }

    [Fact]
    public void A_not_whose_schema_passes_is_refused()
    {
        Assert.Equal(["<nil>: Invalid value: \"\": \"spec.ports\" must not validate the schema (not)"], Errors("""{"ca":{},"ports":{"tls":1,"plain":2}}"""));
        Assert.Equal(["<nil>: Invalid value: \"\": \"spec.tags[1]\" must not validate the schema (not)"], Errors("""{"ca":{},"tags":["a","xb"]}"""));
    }

    [Fact]
    public void An_allOf_reports_every_failing_branch_and_says_whether_none_passed()
    {
        Assert.Equal(
        [
            "spec.size: Invalid value: 12: spec.size in body should be a multiple of 8",
            "spec.size: Invalid value: 12: spec.size in body should be greater than or equal to 16",
            "<nil>: Invalid value: \"\": \"spec.size\" must validate all the schemas (allOf). None validated",
        ], Errors("""{"ca":{},"size":12}"""));
        Assert.Equal(
        [
            "spec.size: Invalid value: 8: spec.size in body should be greater than or equal to 16",
            "<nil>: Invalid value: \"\": \"spec.size\" must validate all the schemas (allOf)",
        ], Errors("""{"ca":{},"size":8}"""));
    }

    [Fact]
    public void Int_or_string_with_its_anyOf_reports_both_type_errors_as_upstream_does()
    {
        Assert.Equal(
        [
            "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"",
            "<nil>: Invalid value: \"\": \"spec.port\" must validate at least one schema (anyOf)",
            "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer: \"boolean\"",
        ], Errors("""{"ca":{},"port":true}"""));
    }

    [Fact]
    public void The_branch_that_got_furthest_is_the_one_whose_errors_are_reported()
    {
        var schema = JsonSchemaProps.Parse(JsonNode.Parse("""
            {"type": "object", "properties": {"spec": {"type": "object",
              "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
              "anyOf": [{"required": ["a"]}, {"properties": {"b": {"minLength": 3}}, "required": ["b"]}]}}}
            """)!.AsObject());

        var errors = SchemaValidator.Validate(schema, JsonNode.Parse("""{"spec":{"b":"x"}}""")!.AsObject()).Select(e => e.ToString());

        Assert.Equal(
        [
            "<nil>: Invalid value: \"\": \"spec\" must validate at least one schema (anyOf)",
            "spec.b: Invalid value: \"x\": spec.b in body should be at least 3 chars long",
        ], errors);
    }

    [Fact]
    public void Junctors_at_the_root_are_checked_against_the_whole_object()
    {
        var schema = JsonSchemaProps.Parse(JsonNode.Parse("""
            {"type": "object", "properties": {"spec": {"type": "object"}, "data": {"type": "string"}},
             "oneOf": [{"required": ["spec"]}, {"required": ["data"]}]}
            """)!.AsObject());

        Assert.Empty(SchemaValidator.Validate(schema, JsonNode.Parse("""{"kind":"X","data":"d"}""")!.AsObject()));
        Assert.Equal(
        [
            "<nil>: Invalid value: \"\": \"\" must validate one and only one schema (oneOf). Found none valid",
            "spec: Required value",
        ], SchemaValidator.Validate(schema, JsonNode.Parse("""{"kind":"X"}""")!.AsObject()).Select(e => e.ToString()));
    }

    [Fact]
    public void Pruning_and_defaulting_ignore_the_junctors()
    {
        var obj = JsonNode.Parse("""{"spec":{"ca":{"secretName":"s","extra":1},"unknown":true}}""")!.AsObject();

        Assert.Equal(["spec.ca.extra", "spec.unknown"], SchemaPruner.Prune(Issuer, obj).Order(StringComparer.Ordinal));
    }
}
