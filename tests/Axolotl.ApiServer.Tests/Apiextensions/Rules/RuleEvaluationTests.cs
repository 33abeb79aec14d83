using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.ApiServer.Apiextensions.Rules;

namespace Axolotl.ApiServer.Tests.Apiextensions.Rules;

/// <summary>A custom resource's rules evaluated on a write: where they run, what they see, what they report.</summary>
public sealed class RuleEvaluationTests
{
    private static JsonSchemaProps Schema(string spec) =>
        JsonSchemaProps.Parse(JsonNode.Parse("""{"type":"object","properties":{"spec":""" + spec + "}}")!.AsObject());

    private static JsonObject Widget(string spec) =>
        JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","labels":{"a":"b"}},"spec":""" + spec + "}")!.AsObject();

    private static List<string> Errors(JsonSchemaProps schema, string spec, string? oldSpec = null) =>
        [.. RuleEvaluation.Validate(RuleValidator.For(schema), Widget(spec), oldSpec is null ? null : Widget(oldSpec)).Select(e => e.ToString())];

    [Fact]
    public void Rules_run_at_every_value_of_nested_nodes_and_report_at_its_path()
    {
        var schema = Schema("""
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{
              "name":{"type":"string","x-kubernetes-validations":[{"rule":"self.startsWith('a')"}]}}}},
              "labels":{"type":"object","additionalProperties":{"type":"string","x-kubernetes-validations":[{"rule":"self.size() < 4","message":"too long"}]}}}}
            """);

        var errors = Errors(schema, """{"items":[{"name":"ant"},{"name":"bee"}],"labels":{"ok":"abc","bad":"abcd"}}""");

        Assert.Equal([
            "spec.items[1].name: Invalid value: \"string\": failed rule: self.startsWith('a')",
            "spec.labels[bad]: Invalid value: \"string\": too long",
        ], errors);
    }

    [Fact]
    public void Values_are_typed_by_the_schema_and_the_root_shows_only_name_and_generateName_of_metadata()
    {
        var schema = JsonSchemaProps.Parse(JsonNode.Parse("""
            {"type":"object","x-kubernetes-validations":[
              {"rule":"self.metadata.name == 'w1' && self.kind == 'Widget'"},
              {"rule":"type(self.spec.ratio) == double && type(self.spec.count) == int"}],
             "properties":{"spec":{"type":"object","properties":{"ratio":{"type":"number"},"count":{"type":"integer"}}}}}
            """)!.AsObject());

        Assert.Empty(Errors(schema, """{"ratio":1,"count":2}"""));
    }

    [Fact]
    public void Strings_with_a_format_are_the_timestamps_durations_and_bytes_their_types_say()
    {
        var schema = Schema("""
            {"type":"object","properties":{"created":{"type":"string","format":"date-time"},"ttl":{"type":"string","format":"duration"},
              "data":{"type":"string","format":"byte"},"day":{"type":"string","format":"date"}},
             "x-kubernetes-validations":[{"rule":"self.created + self.ttl < timestamp('2030-01-01T00:00:00Z') && size(self.data) == 3 && self.day.getFullYear() == 2024","message":"expired"}]}
            """);

        Assert.Empty(Errors(schema, """{"created":"2029-12-31T23:00:00Z","ttl":"30m","data":"YWJj","day":"2024-05-01"}"""));
        Assert.Equal(["spec: Invalid value: \"object\": expired"], Errors(schema, """{"created":"2029-12-31T23:00:00Z","ttl":"2h","data":"YWJj","day":"2024-05-01"}"""));
    }

    [Fact]
    public void A_stored_rule_the_types_would_refuse_keeps_running_as_it_did_before_the_checker()
    {
        // Unknown fields are invisible to the checker (a new CRD with this rule is refused), but a CRD stored before it keeps working.
        var schema = Schema("""
            {"type":"object","properties":{"free":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},
             "x-kubernetes-validations":[{"rule":"self.free.anything == 1","message":"one"}]}
            """);

        Assert.Empty(Errors(schema, """{"free":{"anything":1}}"""));
        Assert.Equal(["spec: Invalid value: \"object\": one"], Errors(schema, """{"free":{"anything":2}}"""));
    }

    [Fact]
    public void A_transition_rule_is_skipped_on_create_and_refuses_a_change_on_update()
    {
        var schema = Schema("""{"type":"object","properties":{"id":{"type":"string","x-kubernetes-validations":[{"rule":"self == oldSelf","message":"id is immutable"}]}}}""");

        Assert.Empty(Errors(schema, """{"id":"a"}"""));
        Assert.Empty(Errors(schema, """{"id":"a"}""", """{"id":"a"}"""));
        Assert.Equal(["spec.id: Invalid value: \"string\": id is immutable"], Errors(schema, """{"id":"b"}""", """{"id":"a"}"""));
    }

    [Fact]
    public void An_optionalOldSelf_rule_runs_on_create_with_an_empty_optional()
    {
        var schema = Schema("""{"type":"object","properties":{"n":{"type":"integer","x-kubernetes-validations":[{"rule":"oldSelf.hasValue() || self == 1","optionalOldSelf":true}]}}}""");

        Assert.Equal(["spec.n: Invalid value: \"integer\": failed rule: oldSelf.hasValue() || self == 1"], Errors(schema, """{"n":2}"""));
        Assert.Empty(Errors(schema, """{"n":2}""", """{"n":5}"""));
    }

    [Fact]
    public void Items_of_a_map_list_find_their_old_selves_by_key_whatever_their_order()
    {
        var schema = Schema("""
            {"type":"object","properties":{"pools":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","properties":{"name":{"type":"string"},"size":{"type":"integer"}},
                "x-kubernetes-validations":[{"rule":"self.size >= oldSelf.size","message":"pools may not shrink"}]}}}}
            """);

        var errors = Errors(schema, """{"pools":[{"name":"b","size":2},{"name":"a","size":4},{"name":"c","size":0}]}""",
            """{"pools":[{"name":"a","size":5},{"name":"b","size":1}]}""");

        Assert.Equal(["spec.pools[1]: Invalid value: \"object\": pools may not shrink"], errors);
    }

    [Fact]
    public void MessageExpression_reason_and_fieldPath_shape_the_error()
    {
        var schema = Schema("""
            {"type":"object","properties":{"replicas":{"type":"integer"},"max":{"type":"integer"}},"x-kubernetes-validations":[
              {"rule":"self.replicas <= self.max","messageExpression":"'replicas ' + string(self.replicas) + ' is above ' + string(self.max)","reason":"FieldValueForbidden","fieldPath":".replicas"},
              {"rule":"self.replicas != 7","messageExpression":"42","message":"not seven"},
              {"rule":"self.replicas != 7","reason":"FieldValueRequired"}]}
            """);

        Assert.Equal([
            "spec.replicas: Forbidden: replicas 7 is above 5",
            "spec: Invalid value: \"object\": not seven",
            "spec: Required value: failed rule: self.replicas != 7",
        ], Errors(schema, """{"replicas":7,"max":5}"""));
    }

    [Fact]
    public void An_evaluation_error_is_reported_with_the_rule()
    {
        var schema = Schema("""{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string"}}},"x-kubernetes-validations":[{"rule":"self.m['missing'] == 'x'"}]}""");

        var error = Assert.Single(Errors(schema, """{"m":{"a":"b"}}"""));
        Assert.StartsWith("spec: Invalid value: \"object\": no such key: ", error);
        Assert.EndsWith(" evaluating rule: self.m['missing'] == 'x'", error);
    }

    [Fact]
    public void A_rule_past_the_per_call_limit_stops_validation()
    {
        var schema = Schema("""{"type":"object","properties":{"n":{"type":"array","items":{"type":"integer"}}},"x-kubernetes-validations":[{"rule":"self.n.all(x, self.n.all(y, x <= y || x > y))"}]}""");
        var numbers = string.Join(",", Enumerable.Range(0, 1500));

        Assert.Equal([
            "spec: Invalid value: \"object\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.n.all(x, self.n.all(y, x <= y || x > y))",
        ], Errors(schema, $$"""{"n":[{{numbers}}]}"""));
    }

    [Fact]
    public void A_rule_just_under_the_per_call_limit_passes_and_one_more_item_is_stopped_as_upstream()
    {
        // self.all(x, x in self) costs 1 + n * (n + 5) + 1 as kube-apiserver counts it: 998,996 for 997 items;
        // 998 items reach 1,000,995 at the last `in`, past the 1,000,000 limit.
        var schema = Schema("""{"type":"array","items":{"type":"integer"},"x-kubernetes-validations":[{"rule":"self.all(x, x in self)"}]}""");
        string Zeros(int n) => "[" + string.Join(",", Enumerable.Repeat("0", n)) + "]";

        Assert.Empty(Errors(schema, Zeros(997)));
        Assert.Equal([
            "spec: Invalid value: \"array\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.all(x, x in self)",
        ], Errors(schema, Zeros(998)));
    }

    [Fact]
    public void Rules_that_loop_over_many_values_run_out_of_the_request_budget()
    {
        // Each group's rule stays under the per-call limit; together they pass the 10,000,000 budget of one request.
        var schema = Schema("""
            {"type":"object","properties":{"groups":{"type":"array","items":{"type":"array","items":{"type":"integer"},
              "x-kubernetes-validations":[{"rule":"self.all(x, self.all(y, x <= y || x > y))"}]}}}}
            """);
        var group = "[" + string.Join(",", Enumerable.Range(0, 250)) + "]";

        var errors = Errors(schema, $$"""{"groups":[{{string.Join(",", Enumerable.Repeat(group, 40))}}]}""");

        var error = Assert.Single(errors);
        Assert.Matches(@"^spec\.groups\[\d+\]: Invalid value: ""array"": validation failed due to running out of cost budget, no further validation rules will be run$", error);
    }

    [Fact]
    public void An_unchanged_value_that_fails_a_rule_is_let_through_on_update()
    {
        var schema = Schema("""
            {"type":"object","properties":{"name":{"type":"string","x-kubernetes-validations":[{"rule":"self.matches('^[a-z]+$')","message":"lowercase only"}]},
              "size":{"type":"integer"}}}
            """);

        Assert.Equal(["spec.name: Invalid value: \"string\": lowercase only"], Errors(schema, """{"name":"Bad","size":1}"""));
        Assert.Empty(Errors(schema, """{"name":"Bad","size":2}""", """{"name":"Bad","size":1}"""));
        Assert.Equal(["spec.name: Invalid value: \"string\": lowercase only"], Errors(schema, """{"name":"Worse","size":2}""", """{"name":"Bad","size":1}"""));
    }

    [Fact]
    public void Rules_compile_once_per_parsed_schema()
    {
        var schema = Schema("""{"type":"object","x-kubernetes-validations":[{"rule":"true"}]}""");

        Assert.Same(RuleValidator.For(schema), RuleValidator.For(schema));
        Assert.NotSame(RuleValidator.For(schema), RuleValidator.For(Schema("""{"type":"object","x-kubernetes-validations":[{"rule":"true"}]}""")));
    }
}
