using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.ApiServer.Apiextensions.Rules;
using Axolotl.ApiServer.Tests.Rest;

namespace Axolotl.ApiServer.Tests.Apiextensions.Rules;

/// <summary>
/// Rules are type-checked against the schema when their CRD is written, as kube-apiserver does: a mistyped rule is a 422
/// in upstream's words, and the rules people write (the Kubernetes documentation's examples among them) compile.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RuleTypeCheckingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static JsonObject Crd(string group, string spec) => JsonNode.Parse(
        $$"""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.{{group}}"},"""
        + $$""" "spec":{"group":"{{group}}","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},"""
        + """ "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":"""
        + spec + "}}}}]}}")!.AsObject();

    private static List<string> Errors(string spec)
    {
        var crd = Crd("example.com", spec);
        var errors = CustomResourceDefinitionValidation.Validate(crd, null).ToList();
        if (errors.Count == 0)
        {
            errors.AddRange(CustomResourceDefinitionRules.Validate(crd));
        }
        return [.. errors.Select(e => e.ToString())];
    }

    [Fact]
    public async Task A_mistyped_rule_is_refused_with_upstreams_wording()
    {
        var spec = """
            {"type":"object","properties":{"replicas":{"type":"integer"},"size":{"type":"string"}},
             "x-kubernetes-validations":[{"rule":"self.replicas + self.size == 'x'"},{"rule":"self.size"},{"rule":"self.replica > 0"},
               {"rule":"self.replicas > 0","messageExpression":"self.replicas"}]}
            """;

        var (code, status) = await api.PostAsync(Crds, Crd("typed.example.com", spec).ToJsonString());

        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)status["reason"]);
        var at = "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations";
        Assert.Equal([
            $"{at}[0].rule: Invalid value: apiextensions.ValidationRule{{Rule:\"self.replicas + self.size == 'x'\", Message:\"\", MessageExpression:\"\", "
                + "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: compilation failed: "
                + "ERROR: <input>:1:15: found no matching overload for '_+_' applied to '(int, string)'\n | self.replicas + self.size == 'x'\n | ..............^",
            $"{at}[1].rule: Invalid value: apiextensions.ValidationRule{{Rule:\"self.size\", Message:\"\", MessageExpression:\"\", "
                + "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: cel expression must evaluate to a bool",
            $"{at}[2].rule: Invalid value: apiextensions.ValidationRule{{Rule:\"self.replica > 0\", Message:\"\", MessageExpression:\"\", "
                + "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: compilation failed: "
                + "ERROR: <input>:1:5: undefined field 'replica'\n | self.replica > 0\n | ....^",
            $"{at}[3].messageExpression: Invalid value: apiextensions.ValidationRule{{Rule:\"self.replicas > 0\", Message:\"\", MessageExpression:\"self.replicas\", "
                + "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: messageExpression must evaluate to a string",
        ], status["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]}: {c["message"]}"));
        Assert.Equal(404, (await api.GetAsync($"{Crds}/widgets.typed.example.com")).Code);
    }

    // Rules from the Kubernetes documentation (CRD validation rules, transition rules, int-or-string, formats,
    // escaping) and from common operators, each with the schema it was written for: none may be refused.
    [Theory]
    [InlineData("""{"type":"object","properties":{"minReplicas":{"type":"integer"},"replicas":{"type":"integer"},"maxReplicas":{"type":"integer"}}}""",
        "self.minReplicas <= self.replicas && self.replicas <= self.maxReplicas")]
    [InlineData("""{"type":"object","properties":{"x-prop":{"type":"integer"},"redact__d":{"type":"integer"},"namespace":{"type":"integer"},"self":{"type":"integer"},"int":{"type":"integer"}}}""",
        "self.x__dash__prop > 0 && self.redact__underscores__d > 0 && self.__namespace__ > 0 && self.self > 0 && self.int > 0")]
    [InlineData("""{"type":"object","properties":{"set1":{"type":"array","items":{"type":"string"}},"set2":{"type":"array","items":{"type":"string"}}}}""",
        "self.set1.all(e, !(e in self.set2))")]
    [InlineData("""{"type":"object","properties":{"map1":{"type":"object","additionalProperties":{"type":"string"}}}}""",
        "self.map1.all(key, key.matches('^[a-zA-Z]*$')) && self.map1.all(key, self.map1[key].matches('^[a-zA-Z]*$'))")]
    [InlineData("""{"type":"object","properties":{"created":{"type":"string","format":"date-time"},"ttl":{"type":"string","format":"duration"},"expired":{"type":"string","format":"date-time"}}}""",
        "!has(self.expired) || self.created + self.ttl < self.expired")]
    [InlineData("""{"type":"object","properties":{"health":{"type":"string"},"widgets":{"type":"array","items":{"type":"object","properties":{"key":{"type":"string"},"foo":{"type":"integer"}}}}}}""",
        "self.health.startsWith('ok') && self.widgets.exists(w, w.key == 'x' && w.foo < 10)")]
    [InlineData("""{"type":"object","properties":{"value":{"x-kubernetes-int-or-string":true}}}""",
        "type(self.value) == string ? self.value.endsWith('%') : self.value > 0")]
    [InlineData("""{"type":"object","properties":{"maxSurge":{"x-kubernetes-int-or-string":true}}}""",
        "!has(self.maxSurge) || (type(self.maxSurge) == int ? self.maxSurge >= 0 : int(self.maxSurge.replace('%', '')) <= 100)")]
    [InlineData("""{"type":"object","properties":{"foo":{"type":"string"}}}""",
        "has(self.foo) == has(oldSelf.foo) && (!has(self.foo) || self.foo == oldSelf.foo)")]
    [InlineData("""{"type":"object","properties":{"memory":{"type":"string"}}}""",
        "isQuantity(self.memory) && quantity(self.memory).isLessThan(quantity('1Gi'))")]
    [InlineData("""{"type":"object","properties":{"endpoint":{"type":"string"},"ip":{"type":"string"},"cidr":{"type":"string"}}}""",
        "isURL(self.endpoint) && url(self.endpoint).getScheme() == 'https' && isIP(self.ip) && ip(self.ip).family() == 4 && cidr(self.cidr).containsIP(self.ip)")]
    [InlineData("""{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"}},"weights":{"type":"array","items":{"type":"integer"}}}}""",
        "self.tags.isSorted() && self.weights.sum() == 100 && self.tags.all(t, t.lowerAscii() == t) && self.tags.join(',').size() < 100")]
    [InlineData("""{"type":"object","properties":{"conditions":{"type":"array","items":{"type":"object","properties":{"type":{"type":"string"},"status":{"type":"string"}}}}}}""",
        "self.conditions.all(c, c.status in ['True', 'False', 'Unknown']) && self.conditions.map(c, c.type).size() == size(self.conditions)")]
    [InlineData("""{"type":"object","properties":{"foo":{"type":"string"},"bar":{"type":"object","properties":{"baz":{"type":"integer"}}}}}""",
        "self.?foo.orValue('') != 'bar' && self.?bar.baz.orValue(0) >= 0")]
    [InlineData("""{"type":"object","properties":{"template":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}}""",
        "self.template.kind == 'Pod' && self.template.apiVersion == 'v1' && self.template.metadata.name.size() < 64")]
    [InlineData("""{"type":"object","properties":{"data":{"type":"string","format":"byte"},"day":{"type":"string","format":"date"}}}""",
        "size(self.data) < 1024 && self.day < timestamp('2100-01-01T00:00:00Z')")]
    [InlineData("""{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}},"nullable":{"type":"object","nullable":true,"properties":{"a":{"type":"string"}}}}}""",
        "self.items.all(i, self.items.exists_one(j, j.name == i.name)) && (self.nullable == null || self.nullable.a != '')")]
    [InlineData("""{"type":"object","properties":{"ports":{"type":"array","items":{"type":"integer"}},"labels":{"type":"object","additionalProperties":{"type":"string"}}}}""",
        // Two-variable comprehensions are for stored rules only in 1.32 (CustomResourceDefinitionRulesTests).
        "self.ports.isSorted() && self.labels.exists(k, k == 'app' && self.labels[k] != '') && self.ports.filter(p, p > 1024).size() >= 0")]
    public void Rules_people_write_compile(string spec, string rule)
    {
        var schema = JsonNode.Parse(spec)!.AsObject();
        schema["x-kubernetes-validations"] = new JsonArray(new JsonObject { ["rule"] = rule });

        // Only compiling is judged here: several of these schemas leave lists unbounded, which the cost limit refuses.
        Assert.DoesNotContain(Errors(schema.ToJsonString()), e => !e.Contains("estimated rule cost", StringComparison.Ordinal));
    }
}
