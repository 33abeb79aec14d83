using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.ApiServer.Apiextensions.Rules;

namespace Axolotl.ApiServer.Tests.Apiextensions.Rules;

/// <summary>
/// Ratcheting of x-kubernetes-validations on an update: a failure about an unchanged value becomes a warning, unless
/// the rule reads oldSelf; values are correlated as the schema validation correlates them.
/// </summary>
public sealed class RuleRatchetingTests
{
    private static readonly JsonSchemaProps Schema = JsonSchemaProps.Parse(JsonNode.Parse("""
        {"type":"object","properties":{"spec":{"type":"object","properties":{
          "name":{"type":"string","x-kubernetes-validations":[{"rule":"self.matches('^[a-z]+$')","message":"lowercase only"}]},
          "code":{"type":"string","x-kubernetes-validations":[{"rule":"self.startsWith('v') && oldSelf.startsWith('v')","message":"versions start with v"}]},
          "size":{"type":"integer"},
          "pools":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
            "items":{"type":"object","properties":{"name":{"type":"string"},
              "size":{"type":"integer","x-kubernetes-validations":[{"rule":"self <= 10","message":"at most 10"}]},
              "zone":{"type":"string","x-kubernetes-validations":[{"rule":"oldSelf.hasValue() || self != 'old'","optionalOldSelf":true,"message":"no new pools in old"}]}}}},
          "hosts":{"type":"array","items":{"type":"string","x-kubernetes-validations":[{"rule":"self.endsWith('.com')","message":"hosts end in .com"}]}}
        }}}}
        """)!.AsObject());

    private static JsonObject Widget(string spec) =>
        JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":""" + spec + "}")!.AsObject();

    private static (List<string> Errors, List<string> Warnings) Update(string spec, string oldSpec)
    {
        var warnings = new List<string>();
        var errors = RuleEvaluation.Validate(RuleValidator.For(Schema), Widget(spec), Widget(oldSpec), ratcheted: warnings);
        return ([.. errors.Select(e => e.ToString())], warnings);
    }

    [Fact]
    public void A_failure_about_an_unchanged_value_becomes_a_warning()
    {
        var (errors, warnings) = Update("""{"name":"Bad","size":2}""", """{"name":"Bad","size":1}""");

        Assert.Empty(errors);
        Assert.Equal(["spec.name: Invalid value: \"string\": lowercase only"], warnings);
    }

    [Fact]
    public void A_changed_value_is_judged_again()
    {
        var (errors, warnings) = Update("""{"name":"Worse"}""", """{"name":"Bad"}""");

        Assert.Equal(["spec.name: Invalid value: \"string\": lowercase only"], errors);
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_transition_rule_never_ratchets()
    {
        var (errors, _) = Update("""{"code":"x1","size":2}""", """{"code":"x1","size":1}""");

        Assert.Equal(["spec.code: Invalid value: \"string\": versions start with v"], errors);
    }

    [Fact]
    public void Map_list_items_ratchet_by_key_and_a_new_item_is_judged()
    {
        const string Old = """{"pools":[{"name":"a","size":20},{"name":"b","size":1}]}""";

        var (reordered, warnings) = Update("""{"pools":[{"name":"b","size":2},{"name":"a","size":20}]}""", Old);
        var (added, _) = Update("""{"pools":[{"name":"a","size":20},{"name":"b","size":1},{"name":"c","size":30}]}""", Old);

        Assert.Empty(reordered);
        Assert.Equal(["spec.pools[1].size: Invalid value: \"integer\": at most 10"], warnings);
        Assert.Equal(["spec.pools[2].size: Invalid value: \"integer\": at most 10"], added);
    }

    [Fact]
    public void An_optionalOldSelf_rule_runs_on_an_item_new_to_its_map_list_with_no_old_self()
    {
        const string Old = """{"pools":[{"name":"a","zone":"old"}]}""";

        var (kept, _) = Update("""{"pools":[{"name":"a","zone":"old"}]}""", Old);
        var (added, _) = Update("""{"pools":[{"name":"a","zone":"old"},{"name":"b","zone":"old"}]}""", Old);

        Assert.Empty(kept);
        Assert.Equal(["spec.pools[1].zone: Invalid value: \"string\": no new pools in old"], added);
    }

    [Fact]
    public void Items_of_a_list_that_is_not_a_map_ratchet_only_while_the_whole_list_is_unchanged()
    {
        const string Old = """{"hosts":["a.com","b.org"]}""";

        var (unchanged, warnings) = Update("""{"hosts":["a.com","b.org"],"size":1}""", Old);
        var (changed, _) = Update("""{"hosts":["b.org","a.com"]}""", Old);

        Assert.Empty(unchanged);
        Assert.Single(warnings);
        Assert.Equal(["spec.hosts[0]: Invalid value: \"string\": hosts end in .com"], changed);
    }
}
