using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Apiextensions.Structural;

namespace Axolotl.Api.Tests.Apiextensions;

/// <summary>
/// Validation ratcheting of the OpenAPI schema on an update (CRDValidationRatcheting): what an update left unchanged
/// keeps passing after the schema tightened; what it changed, and what it cannot correlate, is validated in full.
/// </summary>
public sealed class SchemaRatchetingTests
{
    // A schema tightened after objects were stored: short names, a fixed set of tiers, at most two tags.
    private static readonly JsonSchemaProps Widget = JsonSchemaProps.Parse(JsonNode.Parse("""
        {"type": "object", "properties": {
          "metadata": {"type": "object"},
          "spec": {"type": "object", "required": ["size"], "maxProperties": 6, "properties": {
            "size": {"type": "integer"},
            "name": {"type": "string", "maxLength": 4},
            "tier": {"type": "string", "enum": ["gold", "silver"]},
            "ratio": {"type": "number", "maximum": 1},
            "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
              "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "port": {"type": "integer", "maximum": 1024}}}},
            "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 3}},
            "roles": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string", "maxLength": 3}},
            "mode": {"type": "string", "oneOf": [{"pattern": "^a"}, {"pattern": "^b"}]},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
          }},
          "status": {"type": "object", "properties": {"phase": {"type": "string", "enum": ["Ready", "Failed"]}, "count": {"type": "integer", "maximum": 3}}}
        }}
        """)!.AsObject());

    private static JsonObject Obj(string spec, string? status = null) =>
        JsonNode.Parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":" + spec
            + (status is null ? "" : ",\"status\":" + status) + "}")!.AsObject();

    private static List<string> Create(string spec) => [.. SchemaValidator.Validate(Widget, Obj(spec)).Select(e => e.ToString())];

    private static List<string> Update(string spec, string oldSpec)
    {
        var obj = Obj(spec);
        return [.. SchemaValidator.Validate(Widget, obj, new CorrelatedObject(obj, Obj(oldSpec), Widget)).Select(e => e.ToString())];
    }

    private static List<string> StatusUpdate(string status, string oldStatus)
    {
        var obj = Obj("""{"size":1}""", status);
        var update = new CorrelatedObject(obj, Obj("""{"size":1}""", oldStatus), Widget);
        return [.. SchemaValidator.ValidateStatus(Widget.Properties["status"], obj["status"], update.Key("status")).Select(e => e.ToString())];
    }

    [Fact]
    public void An_update_that_leaves_an_invalid_field_unchanged_passes()
    {
        Assert.Equal(["spec.name: Too long: must have at most 4 bytes"], Create("""{"size":1,"name":"toolong"}"""));

        Assert.Empty(Update("""{"size":2,"name":"toolong"}""", """{"size":1,"name":"toolong"}"""));
        Assert.Empty(Update("""{"size":2,"tier":"bronze","ratio":1.5}""", """{"size":1,"tier":"bronze","ratio":1.5}"""));
    }

    [Fact]
    public void A_changed_field_is_validated_in_full_and_so_is_a_field_the_old_object_lacked()
    {
        Assert.Equal(["spec.name: Too long: must have at most 4 bytes"], Update("""{"size":1,"name":"longer"}""", """{"size":1,"name":"toolong"}"""));
        Assert.Equal(["spec.tier: Unsupported value: \"copper\": supported values: \"gold\", \"silver\""],
            Update("""{"size":1,"tier":"copper","name":"toolong"}""", """{"size":1,"name":"toolong"}"""));
        Assert.Equal(["spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\""],
            Update("""{"size":"one"}""", """{"size":1}"""));
    }

    [Fact]
    public void Numbers_compare_as_upstream_decodes_them_so_an_integer_written_as_a_fraction_is_a_change()
    {
        Assert.Empty(Update("""{"size":2,"ratio":2}""", """{"size":1,"ratio":2}"""));
        Assert.Equal(["spec.ratio: Invalid value: 2: spec.ratio in body should be less than or equal to 1"],
            Update("""{"size":2,"ratio":2.0}""", """{"size":1,"ratio":2}"""));
    }

    [Fact]
    public void Items_of_a_map_list_are_correlated_by_key_whatever_their_order()
    {
        const string Old = """{"size":1,"ports":[{"name":"http","port":8080},{"name":"dns","port":53}]}""";

        Assert.Empty(Update("""{"size":1,"ports":[{"name":"dns","port":54},{"name":"http","port":8080}]}""", Old));
        Assert.Equal(["spec.ports[2].port: Invalid value: 9090: spec.ports[2].port in body should be less than or equal to 1024"],
            Update("""{"size":1,"ports":[{"name":"dns","port":53},{"name":"http","port":8080},{"name":"metrics","port":9090}]}""", Old));
        // A renamed item is a new item: its port is validated although it did not change.
        Assert.Equal(["spec.ports[0].port: Invalid value: 8080: spec.ports[0].port in body should be less than or equal to 1024"],
            Update("""{"size":1,"ports":[{"name":"web","port":8080},{"name":"dns","port":53}]}""", Old));
    }

    [Fact]
    public void A_list_that_is_not_a_map_ratchets_only_as_a_whole()
    {
        const string Old = """{"size":1,"tags":["a","b","long"],"roles":["root","ops"]}""";

        Assert.Empty(Update("""{"size":2,"tags":["a","b","long"],"roles":["root","ops"]}""", Old));
        Assert.Equal([
            "spec.tags[2]: Too long: must have at most 3 bytes",
            "spec.tags: Too many: 3: must have at most 2 items",
        ], Update("""{"size":1,"tags":["a","c","long"],"roles":["root","ops"]}""", Old));
        Assert.Equal(["spec.roles[1]: Too long: must have at most 3 bytes"], Update("""{"size":1,"tags":["a","b","long"],"roles":["ops","root"]}""", Old));
    }

    [Fact]
    public void An_objects_own_checks_ratchet_only_when_none_of_it_changed()
    {
        // required and maxProperties belong to spec: an update to any of spec's fields meets them anew.
        Assert.Empty(Update("""{"name":"ab"}""", """{"name":"ab"}"""));
        Assert.Equal(["spec.size: Required value"], Update("""{"name":"abc"}""", """{"name":"ab"}"""));
        Assert.Empty(Update("""{"size":1,"name":"a","tier":"gold","ratio":0,"tags":[],"roles":[],"extra":{}}""",
            """{"size":1,"name":"a","tier":"gold","ratio":0,"tags":[],"roles":[],"extra":{}}"""));
    }

    [Fact]
    public void Junctors_ratchet_only_with_the_value_that_carries_them()
    {
        Assert.Empty(Update("""{"size":2,"mode":"c"}""", """{"size":1,"mode":"c"}"""));
        Assert.Contains("<nil>: Invalid value: \"\": \"spec.mode\" must validate one and only one schema (oneOf). Found none valid",
            Update("""{"size":1,"mode":"d"}""", """{"size":1,"mode":"c"}"""));
    }

    [Fact]
    public void An_object_with_fields_the_schema_does_not_declare_is_never_unchanged()
    {
        // Upstream correlates only declared fields, so spec with preserved unknowns under extra stays "changed":
        // its own required check is not ratcheted even when nothing moved.
        Assert.Equal(["spec.size: Required value"], Update("""{"extra":{"any":1}}""", """{"extra":{"any":1}}"""));
    }

    [Fact]
    public void A_status_write_validates_status_against_its_schema_with_paths_under_status_and_ratchets()
    {
        Assert.Equal(["status.count: Invalid value: 5: count in body should be less than or equal to 3"],
            StatusUpdate("""{"count":5}""", """{"count":1}"""));
        Assert.Empty(StatusUpdate("""{"count":5,"phase":"Ready"}""", """{"count":5}"""));
        Assert.Equal(["status.phase: Unsupported value: \"Pending\": supported values: \"Ready\", \"Failed\""],
            StatusUpdate("""{"count":5,"phase":"Pending"}""", """{"count":5,"phase":"Unknown"}"""));
    }

    [Fact]
    public void Without_an_old_object_nothing_ratchets()
    {
        var obj = Obj("""{"size":1,"name":"toolong"}""");

        Assert.Single(SchemaValidator.Validate(Widget, obj, new CorrelatedObject(obj, null, Widget)));
    }
}
