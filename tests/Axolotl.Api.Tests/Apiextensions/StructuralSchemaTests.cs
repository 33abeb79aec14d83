using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Apiextensions.Structural;

namespace Axolotl.Api.Tests.Apiextensions;

public sealed class StructuralSchemaTests
{
    private static readonly JsonSchemaProps Widget = JsonSchemaProps.Parse(JsonNode.Parse("""
        {"type": "object", "properties": {
          "spec": {"type": "object", "required": ["size"], "properties": {
            "size": {"type": "string", "enum": ["small", "large"]},
            "replicas": {"type": "integer", "minimum": 0, "maximum": 10, "default": 1},
            "name": {"type": "string", "minLength": 3, "maxLength": 8, "pattern": "^[a-z]+$"},
            "port": {"x-kubernetes-int-or-string": true},
            "email": {"type": "string", "format": "email"},
            "note": {"type": "string", "nullable": true},
            "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
            "template": {"type": "object", "x-kubernetes-embedded-resource": true, "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}}}},
            "options": {"type": "object", "default": {}, "properties": {"mode": {"type": "string", "default": "fast"}}}
          }},
          "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}
        }}
        """)!.AsObject());

    private static JsonObject Obj(string spec) =>
        JsonNode.Parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":" + spec + "}")!.AsObject();

    [Fact]
    public void A_string_where_an_integer_belongs_gets_upstreams_type_message()
    {
        var errors = SchemaValidator.Validate(Widget, Obj("""{"size":"small","replicas":"three"}"""));

        var error = Assert.Single(errors);
        Assert.Equal("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"", error.ToString());
        Assert.Equal("FieldValueTypeInvalid", error.Reason);
    }

    [Fact]
    public void A_missing_required_field_is_a_required_value()
    {
        Assert.Equal(["spec.size: Required value"], SchemaValidator.Validate(Widget, Obj("{}")).Select(e => e.ToString()));
    }

    [Fact]
    public void Enum_range_length_pattern_format_and_max_items_are_checked_with_upstreams_messages()
    {
        var errors = SchemaValidator.Validate(Widget, Obj("""
            {"size":"medium","replicas":11,"name":"AB","email":"nope","tags":["a","b","c"]}
            """)).Select(e => e.ToString()).ToList();

        Assert.Contains("spec.size: Unsupported value: \"medium\": supported values: \"small\", \"large\"", errors);
        Assert.Contains("spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10", errors);
        Assert.Contains("spec.name: Invalid value: \"AB\": spec.name in body should be at least 3 chars long", errors);
        Assert.Contains("spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'", errors);
        Assert.Contains("spec.email: Invalid value: \"nope\": spec.email in body must be of type email: \"nope\"", errors);
        Assert.Contains("spec.tags: Too many: 3: must have at most 2 items", errors);
    }

    [Fact]
    public void Int_or_string_nullable_and_maps_accept_what_they_declare()
    {
        Assert.Empty(SchemaValidator.Validate(Widget, Obj("""{"size":"small","port":"http","note":null,"labels":{"a":"b"}}""")));
        Assert.Empty(SchemaValidator.Validate(Widget, Obj("""{"size":"small","port":8080}""")));
        Assert.Equal(["spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\""],
            SchemaValidator.Validate(Widget, Obj("""{"size":"small","labels":{"a":1}}""")).Select(e => e.ToString()));
    }

    [Fact]
    public void Pruning_drops_undeclared_fields_and_keeps_preserved_and_embedded_metadata()
    {
        var obj = Obj("""
            {"size":"small","bogus":1,"extra":{"anything":{"deep":true}},
             "template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":"x","b":"y"}}}
            """);
        obj["status"] = new JsonObject { ["ready"] = true, ["junk"] = 1 };
        obj["toplevel"] = "x";

        var pruned = SchemaPruner.Prune(Widget, obj);

        Assert.Equal(["spec.bogus", "spec.template.spec.b", "status.junk", "toplevel"], pruned.Order(StringComparer.Ordinal));
        Assert.Equal("""{"anything":{"deep":true}}""", obj["spec"]!["extra"]!.ToJsonString());
        Assert.Equal("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":"x"}}""", obj["spec"]!["template"]!.ToJsonString());
        Assert.NotNull(obj["metadata"]);
    }

    [Fact]
    public void Defaults_fill_missing_fields_and_nested_defaults_inside_defaulted_objects()
    {
        var obj = Obj("""{"size":"small"}""");

        SchemaDefaulter.Apply(Widget, obj);

        Assert.Equal(1, (int)obj["spec"]!["replicas"]!);
        Assert.Equal("fast", (string?)obj["spec"]!["options"]!["mode"]);
    }

    [Fact]
    public void A_default_does_not_replace_a_value_that_was_sent()
    {
        var obj = Obj("""{"size":"small","replicas":4}""");

        SchemaDefaulter.Apply(Widget, obj);

        Assert.Equal(4, (int)obj["spec"]!["replicas"]!);
    }
}
