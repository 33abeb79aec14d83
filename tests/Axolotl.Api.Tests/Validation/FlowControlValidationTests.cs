using Axolotl.Api.FlowControl;
using Axolotl.Api.Serialization;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class FlowControlValidationTests
{
    private const string AllRules = """
        "rules":[{"subjects":[{"kind":"Group","group":{"name":"system:authenticated"}}],
                  "resourceRules":[{"verbs":["*"],"apiGroups":["*"],"resources":["*"],"clusterScope":true,"namespaces":["*"]}]}]
        """;

    private static string Schema(string name, string spec) => $$"""
        {"apiVersion":"flowcontrol.apiserver.k8s.io/v1","kind":"FlowSchema","metadata":{"name":"{{name}}"},"spec":{{spec}}}
        """;

    private static string Level(string name, string spec) => $$"""
        {"apiVersion":"flowcontrol.apiserver.k8s.io/v1","kind":"PriorityLevelConfiguration","metadata":{"name":"{{name}}"},"spec":{{spec}}}
        """;

    [Fact]
    public void Every_bootstrap_object_is_valid_and_unchanged_by_defaulting()
    {
        foreach (var level in FlowControlBootstrap.MandatoryPriorityLevels.Concat(FlowControlBootstrap.SuggestedPriorityLevels))
        {
            var json = KubeJson.Serialize(level);
            var defaulted = Defaulted<PriorityLevelConfiguration>(json);
            Assert.Empty(Errors(defaulted));
            Assert.Equal(KubeJson.Serialize(level.Spec), KubeJson.Serialize(defaulted.Spec));
        }
        foreach (var schema in FlowControlBootstrap.MandatoryFlowSchemas.Concat(FlowControlBootstrap.SuggestedFlowSchemas))
        {
            var defaulted = Defaulted<FlowSchema>(KubeJson.Serialize(schema));
            Assert.Empty(Errors(defaulted));
            Assert.Equal(KubeJson.Serialize(schema.Spec), KubeJson.Serialize(defaulted.Spec));
        }
        Assert.Equal(8, FlowControlBootstrap.MandatoryPriorityLevels.Count + FlowControlBootstrap.SuggestedPriorityLevels.Count);
        Assert.Equal(13, FlowControlBootstrap.MandatoryFlowSchemas.Count + FlowControlBootstrap.SuggestedFlowSchemas.Count);
    }

    [Fact]
    public void Defaults_are_upstreams_precedence_1000_shares_30_and_64_queues_of_50_in_hands_of_8()
    {
        var schema = Defaulted<FlowSchema>(Schema("mine", $$"""{"priorityLevelConfiguration":{"name":"global-default"},{{AllRules}}}"""));
        Assert.Equal(1000, schema.Spec!.MatchingPrecedence);
        var level = Defaulted<PriorityLevelConfiguration>(Level("mine", """{"type":"Limited","limited":{"limitResponse":{"type":"Queue"}}}"""));
        Assert.Equal(30, level.Spec!.Limited!.NominalConcurrencyShares);
        Assert.Equal(0, level.Spec.Limited.LendablePercent);
        var queuing = level.Spec.Limited.LimitResponse!.Queuing!;
        Assert.Equal((64, 8, 50), (queuing.Queues, queuing.HandSize, queuing.QueueLengthLimit));
    }

    [Theory]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"matchingPrecedence":10001,RULES}""", "spec.matchingPrecedence: Invalid value: 10001: must not be greater than 10000")]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"matchingPrecedence":-3,RULES}""", "spec.matchingPrecedence: Invalid value: -3: must be a positive value")]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"matchingPrecedence":1,RULES}""", "spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1")]
    [InlineData("""{"priorityLevelConfiguration":{"name":""},RULES}""", "spec.priorityLevelConfiguration.name: Required value: must reference a priority level")]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"distinguisherMethod":{"type":"ByColour"},RULES}""",
        "spec.distinguisherMethod.type: Unsupported value: \"ByColour\": supported values: \"ByNamespace\", \"ByUser\"")]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"rules":[{"subjects":[{"kind":"Robot"}],"nonResourceRules":[{"verbs":["get"],"nonResourceURLs":["/x"]}]}]}""",
        "spec.rules[0].subjects[0].kind: Unsupported value: \"Robot\": supported values: \"Group\", \"ServiceAccount\", \"User\"")]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"rules":[{"subjects":[{"kind":"ServiceAccount"}],"nonResourceRules":[{"verbs":["get"],"nonResourceURLs":["/x"]}]}]}""",
        "spec.rules[0].subjects[0].serviceAccount: Required value: serviceAccount is required when subject kind is 'ServiceAccount'")]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"rules":[{"subjects":[{"kind":"User","user":{"name":"a"}}]}]}""",
        "spec.rules[0]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty")]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"rules":[{"subjects":[{"kind":"User","user":{"name":"a"}}],"resourceRules":[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}]}]}""",
        "spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace")]
    [InlineData("""{"priorityLevelConfiguration":{"name":"x"},"rules":[{"subjects":[{"kind":"User","user":{"name":"a"}}],"resourceRules":[{"verbs":["*","get"],"apiGroups":[""],"resources":["pods"],"namespaces":["*"]}]}]}""",
        "spec.rules[0].resourceRules[0].verbs: Invalid value: []string{\"*\", \"get\"}: if '*' is present, must not specify other verbs")]
    public void Bad_flow_schemas_get_upstreams_errors(string spec, string error) =>
        Assert.Contains(error, Errors<FlowSchema>(Schema("mine", spec.Replace("RULES", AllRules, StringComparison.Ordinal))));

    [Theory]
    [InlineData("mine", """{"type":"Sometimes"}""", "spec.type: Unsupported value: \"Sometimes\": supported values: \"Exempt\", \"Limited\"")]
    [InlineData("mine", """{"type":"Exempt"}""", "spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'")]
    [InlineData("mine", """{"type":"Limited"}""", "spec.limited: Required value: must not be empty when type is Limited")]
    [InlineData("mine", """{"type":"Limited","limited":{"limitResponse":{"type":"Drop"}}}""", "spec.limited.limitResponse.type: Unsupported value: \"Drop\": supported values: \"Queue\", \"Reject\"")]
    [InlineData("mine", """{"type":"Limited","limited":{"limitResponse":{"type":"Reject","queuing":{"queues":1}}}}""",
        "spec.limited.limitResponse.queuing: Forbidden: must be nil if limited.limitResponse.type is not Limited")]
    [InlineData("mine", """{"type":"Limited","limited":{"limitResponse":{"type":"Queue","queuing":{"queues":4,"handSize":5}}}}""",
        "spec.limited.limitResponse.queuing.handSize: Invalid value: 5: should not be greater than queues (4)")]
    [InlineData("mine", """{"type":"Limited","limited":{"limitResponse":{"type":"Queue","queuing":{"queues":513}}}}""",
        "spec.limited.limitResponse.queuing.queues: Invalid value: 513: must not be greater than 512")]
    [InlineData("mine", """{"type":"Limited","limited":{"limitResponse":{"type":"Queue","queuing":{"queues":512,"handSize":7}}}}""",
        "spec.limited.limitResponse.queuing.handSize: Invalid value: 7: required entropy bits of deckSize 512 and handSize 7 should not be greater than 60")]
    [InlineData("mine", """{"type":"Limited","limited":{"lendablePercent":101,"limitResponse":{"type":"Reject"}}}""",
        "spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive")]
    [InlineData("catch-all", """{"type":"Limited","limited":{"nominalConcurrencyShares":500,"limitResponse":{"type":"Reject"}}}""",
        "spec: Invalid value: spec of 'catch-all' must equal the fixed value")]
    public void Bad_priority_levels_get_upstreams_errors(string name, string spec, string error) =>
        Assert.Contains(error, Errors<PriorityLevelConfiguration>(Level(name, spec)));
}
