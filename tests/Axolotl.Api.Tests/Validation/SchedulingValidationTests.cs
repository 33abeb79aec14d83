using Axolotl.Api.Scheduling;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class SchedulingValidationTests
{
    private static string Class(string name, string fields) =>
        $$"""{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"{{name}}","resourceVersion":"1"},{{fields}}}""";

    [Fact]
    public void A_user_class_defaults_to_PreemptLowerPriority_and_drops_a_false_global_default()
    {
        var priorityClass = Defaulted<PriorityClass>(Class("high", "\"value\":1000,\"globalDefault\":false"));

        Assert.Equal("PreemptLowerPriority", priorityClass.PreemptionPolicy);
        Assert.Null(priorityClass.GlobalDefault);
        Assert.Empty(Errors(priorityClass));
    }

    [Theory]
    [InlineData("high", "\"value\":1000000001", "value: Forbidden: maximum allowed value of a user defined priority is 1000000000")]
    [InlineData("system-mine", "\"value\":5",
        "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class")]
    [InlineData("system-node-critical", "\"value\":5",
        "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000")]
    [InlineData("system-cluster-critical", "\"value\":2000000000,\"globalDefault\":true",
        "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-cluster-critical PriorityClass must be false")]
    [InlineData("high", "\"value\":1,\"preemptionPolicy\":\"Sometimes\"", "preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\"")]
    [InlineData("High_Class", "\"value\":1", "metadata.name: Invalid value: \"High_Class\"")]
    public void A_class_breaking_upstreams_rules_is_refused_with_its_message(string name, string fields, string expected)
    {
        var errors = Errors<PriorityClass>(Class(name, fields));

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_system_classes_validate_with_their_own_values()
    {
        foreach (var (name, value) in SystemPriorityClasses.Values)
        {
            Assert.Empty(Errors<PriorityClass>(Class(name, $"\"value\":{value}")));
        }
    }

    [Fact]
    public void Value_and_preemption_policy_are_immutable_while_the_description_may_change()
    {
        var old = Defaulted<PriorityClass>(Class("high", "\"value\":1000"));

        var errors = Errors(Defaulted<PriorityClass>(Class("high", "\"value\":2000,\"preemptionPolicy\":\"Never\"")), old);

        Assert.Contains("value: Forbidden: may not be changed in an update.", errors);
        Assert.Contains("preemptionPolicy: Invalid value: \"Never\": field is immutable", errors);
        Assert.Empty(Errors(Defaulted<PriorityClass>(Class("high", "\"value\":1000,\"description\":\"for batch\",\"globalDefault\":true")), old));
    }
}
