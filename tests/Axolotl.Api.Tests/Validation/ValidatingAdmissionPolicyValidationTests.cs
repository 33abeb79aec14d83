using Axolotl.Api.AdmissionRegistration;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class ValidatingAdmissionPolicyValidationTests
{
    private const string Rules = """{"resourceRules":[{"operations":["CREATE"],"apiGroups":["apps"],"apiVersions":["v1"],"resources":["deployments"]}]}""";

    private static string Policy(string spec) =>
        """{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"p"},"spec":""" + spec + "}";

    private static string Binding(string spec) =>
        """{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding","metadata":{"name":"b"},"spec":""" + spec + "}";

    [Fact]
    public void A_minimal_policy_is_valid_and_gets_upstreams_defaults()
    {
        var policy = Defaulted<ValidatingAdmissionPolicy>(Policy("""{"matchConstraints":""" + Rules + ""","validations":[{"expression":"true"}]}"""));

        Assert.Empty(Errors(policy));
        Assert.Equal("Fail", policy.Spec!.FailurePolicy);
        Assert.Equal("Equivalent", policy.Spec.MatchConstraints!.MatchPolicy);
        Assert.NotNull(policy.Spec.MatchConstraints.NamespaceSelector);
        Assert.Equal("*", policy.Spec.MatchConstraints.ResourceRules![0].Scope);
    }

    [Theory]
    [InlineData("""{"validations":[{"expression":"true"}]}""", "spec.matchConstraints: Required value")]
    [InlineData("""{"matchConstraints":{},"validations":[{"expression":"true"}]}""", "spec.matchConstraints.resourceRules: Required value")]
    [InlineData("""{"matchConstraints":RULES}""", "spec.validations: Required value: validations or auditAnnotations must contain at least one item")]
    [InlineData("""{"matchConstraints":RULES,"validations":[{"expression":" "}]}""", "spec.validations[0].expression: Required value: expression is not specified")]
    [InlineData("""{"matchConstraints":RULES,"validations":[{"expression":"true","reason":"Teapot"}]}""",
        "spec.validations[0].reason: Unsupported value: \"Teapot\": supported values: \"Forbidden\", \"Invalid\", \"RequestEntityTooLarge\", \"Unauthorized\"")]
    [InlineData("""{"matchConstraints":RULES,"validations":[{"expression":"true","message":"a\nb"}]}""", "spec.validations[0].message: Invalid value: \"a\\nb\": message must not contain line breaks")]
    [InlineData("""{"matchConstraints":RULES,"failurePolicy":"Maybe","validations":[{"expression":"true"}]}""", "spec.failurePolicy: Unsupported value: \"Maybe\": supported values: \"Fail\", \"Ignore\"")]
    [InlineData("""{"matchConstraints":RULES,"variables":[{"name":"in","expression":"1"}],"validations":[{"expression":"true"}]}""", "spec.variables[0].name: Invalid value: \"in\": name is not a valid CEL identifier")]
    [InlineData("""{"paramKind":{"apiVersion":"v1"},"matchConstraints":RULES,"validations":[{"expression":"true"}]}""", "spec.paramKind.kind: Required value")]
    [InlineData("""{"matchConstraints":RULES,"validations":[{"expression":"true"}],"auditAnnotations":[{"key":"k","valueExpression":"'v'"}]}""",
        "spec.auditAnnotations: Forbidden: not supported: this server keeps no audit log")]
    public void A_policy_is_refused_with_upstreams_messages(string spec, string error)
    {
        Assert.Contains(error, Errors<ValidatingAdmissionPolicy>(Policy(spec.Replace("RULES", Rules, StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData("""{"policyName":"p"}""", "spec.validationActions: Required value: at least one validation action is required")]
    [InlineData("""{"validationActions":["Deny"]}""", "spec.policyName: Required value")]
    [InlineData("""{"policyName":"p","validationActions":["Deny","Warn"]}""",
        "spec.validationActions: Invalid value: []string{\"Deny\", \"Warn\"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)")]
    [InlineData("""{"policyName":"p","validationActions":["Warn","Audit"]}""", "spec.validationActions[1]: Forbidden: not supported: this server keeps no audit log")]
    [InlineData("""{"policyName":"p","validationActions":["Deny","Deny"]}""", "spec.validationActions[1]: Duplicate value: \"Deny\"")]
    [InlineData("""{"policyName":"p","validationActions":["Deny"],"paramRef":{"name":"x"}}""", "spec.paramRef.parameterNotFoundAction: Required value")]
    [InlineData("""{"policyName":"p","validationActions":["Deny"],"paramRef":{"parameterNotFoundAction":"Allow"}}""", "spec.paramRef: Required value: one of name or selector must be specified")]
    [InlineData("""{"policyName":"p","validationActions":["Deny"],"paramRef":{"name":"x","selector":{},"parameterNotFoundAction":"Allow"}}""", "spec.paramRef.name: Forbidden: name and selector are mutually exclusive")]
    [InlineData("""{"policyName":"p","validationActions":["Deny"],"paramRef":{"name":"x","parameterNotFoundAction":"Ignore"}}""",
        "spec.paramRef.parameterNotFoundAction: Unsupported value: \"Ignore\": supported values: \"Deny\", \"Allow\"")]
    public void A_binding_is_refused_with_upstreams_messages(string spec, string error)
    {
        Assert.Contains(error, Errors<ValidatingAdmissionPolicyBinding>(Binding(spec)));
    }

    [Fact]
    public void A_binding_with_params_and_match_resources_is_valid()
    {
        var binding = Defaulted<ValidatingAdmissionPolicyBinding>(Binding("""
            {"policyName":"p","validationActions":["Warn"],"paramRef":{"name":"limits","namespace":"config","parameterNotFoundAction":"Deny"},
             "matchResources":{"namespaceSelector":{"matchLabels":{"env":"prod"}}}}
            """));

        Assert.Empty(Errors(binding));
        Assert.Equal("Equivalent", binding.Spec!.MatchResources!.MatchPolicy);
    }
}
