using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Apiextensions.Structural;

namespace Axolotl.Api.Tests.Apiextensions;

/// <summary>x-kubernetes-list-type set and map hold no duplicates, reported in kube-apiserver's words; an update ratchets as a whole.</summary>
public sealed class ListTypeValidationTests
{
    private static readonly JsonSchemaProps Schema = JsonSchemaProps.Parse(JsonNode.Parse("""
        {"type": "object", "properties": {"spec": {"type": "object", "properties": {
          "roles": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
          "pairs": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
          "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"],
            "items": {"type": "object", "properties": {"port": {"type": "integer"}, "protocol": {"type": "string"}}}},
          "hosts": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
            "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
          "tags": {"type": "array", "items": {"type": "string"}}
        }}}}
        """)!.AsObject());

    private static JsonObject Obj(string spec) => JsonNode.Parse("{\"spec\":" + spec + "}")!.AsObject();

    private static List<string> Errors(string spec) => [.. ListTypeValidator.Validate(Schema, Obj(spec)).Select(e => e.ToString())];

    [Fact]
    public void A_set_reports_each_repeated_item_once_at_its_second_appearance()
    {
        Assert.Equal(["spec.roles[2]: Duplicate value: \"a\""], Errors("""{"roles":["a","b","a","a"],"tags":["x","x"]}"""));
        Assert.Equal(["spec.pairs[1]: Duplicate value: map[string]interface {}{\"k\":\"v\", \"n\":1}"], Errors("""{"pairs":[{"n":1,"k":"v"},{"k":"v","n":1}]}"""));
    }

    [Fact]
    public void A_map_list_reports_items_with_the_same_keys_and_a_missing_key_is_a_key_too()
    {
        Assert.Equal(["spec.ports[1]: Duplicate value: map[string]interface {}{\"port\":80, \"protocol\":\"TCP\"}"],
            Errors("""{"ports":[{"port":80,"protocol":"TCP"},{"port":80,"protocol":"TCP"},{"port":80,"protocol":"UDP"}]}"""));
        Assert.Equal(["spec.hosts[1]: Duplicate value: map[string]interface {}{}"], Errors("""{"hosts":[{},{}]}"""));
        Assert.Equal(["spec.hosts[0]: Invalid value: \"a\": must be an object for an array of list-type map"], Errors("""{"hosts":["a",{"name":"a"},{"name":"a"}]}"""));
    }

    [Fact]
    public void An_update_keeps_duplicates_the_old_object_already_had_but_may_not_bring_the_first()
    {
        var duplicated = Obj("""{"roles":["a","a"],"hosts":[{"name":"x"},{"name":"x"}]}""");

        Assert.Empty(ListTypeValidator.ValidateUpdate(Schema, duplicated, Obj("""{"roles":["a","a"]}""")));
        Assert.Equal(2, ListTypeValidator.ValidateUpdate(Schema, duplicated, Obj("""{"roles":["a"]}""")).Count);
    }
}
