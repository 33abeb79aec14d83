using Axolotl.Api.AdmissionRegistration;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class WebhookConfigurationValidationTests
{
    private const string Rule = """{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}""";

    private static string Hook(string fields, string name = "deny.example.com") => $$"""
        {"name":"{{name}}","clientConfig":{"url":"https://127.0.0.1:8443/validate"},"rules":[{{Rule}}],
         "sideEffects":"None","admissionReviewVersions":["v1"]{{(fields.Length == 0 ? "" : "," + fields)}}}
        """;

    private static string Validating(params string[] hooks) => $$"""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"c"},"webhooks":[{{string.Join(",", hooks)}}]}
        """;

    private static string Mutating(params string[] hooks) => Validating(hooks).Replace("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", StringComparison.Ordinal);

    [Fact]
    public void A_minimal_webhook_is_valid_and_gets_upstreams_v1_defaults()
    {
        var configuration = Defaulted<MutatingWebhookConfiguration>(Mutating(Hook("")));
        Assert.Empty(Errors(configuration));
        var hook = Assert.Single(configuration.Webhooks!);
        Assert.Equal("Fail", hook.FailurePolicy);
        Assert.Equal("Equivalent", hook.MatchPolicy);
        Assert.Equal(10, hook.TimeoutSeconds);
        Assert.Equal("Never", hook.ReinvocationPolicy);
        Assert.NotNull(hook.NamespaceSelector);
        Assert.NotNull(hook.ObjectSelector);
        Assert.Equal("*", hook.Rules![0].Scope);
    }

    [Fact]
    public void A_service_reference_defaults_to_port_443()
    {
        var configuration = Defaulted<ValidatingWebhookConfiguration>(Validating(
            Hook("").Replace("""{"url":"https://127.0.0.1:8443/validate"}""", """{"service":{"namespace":"ns","name":"svc","path":"/check"}}""", StringComparison.Ordinal)));
        Assert.Empty(Errors(configuration));
        Assert.Equal(443, configuration.Webhooks![0].ClientConfig!.Service!.Port);
    }

    [Theory]
    [InlineData("\"sideEffects\":null", "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun")]
    [InlineData("\"sideEffects\":\"Some\"", "webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"")]
    [InlineData("\"timeoutSeconds\":31", "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds")]
    [InlineData("\"timeoutSeconds\":0", "webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds")]
    [InlineData("\"failurePolicy\":\"Sometimes\"", "webhooks[0].failurePolicy: Unsupported value: \"Sometimes\": supported values: \"Fail\", \"Ignore\"")]
    [InlineData("\"matchPolicy\":\"Close\"", "webhooks[0].matchPolicy: Unsupported value: \"Close\": supported values: \"Equivalent\", \"Exact\"")]
    [InlineData("\"admissionReviewVersions\":[]", "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1")]
    [InlineData("\"admissionReviewVersions\":[\"v2\"]", "webhooks[0].admissionReviewVersions: Invalid value: []string{\"v2\"}: must include at least one of v1, v1beta1")]
    [InlineData("\"matchConditions\":[{\"name\":\"\",\"expression\":\"true\"}]", "webhooks[0].matchConditions[0].name: Required value")]
    [InlineData("\"matchConditions\":[{\"name\":\"a\",\"expression\":\" \"}]", "webhooks[0].matchConditions[0].expression: Required value")]
    [InlineData("\"matchConditions\":[{\"name\":\"a\",\"expression\":\"true\"},{\"name\":\"a\",\"expression\":\"false\"}]", "webhooks[0].matchConditions[1].name: Duplicate value: \"a\"")]
    [InlineData("\"clientConfig\":{}", "webhooks[0].clientConfig: Required value: exactly one of url or service is required")]
    [InlineData("\"clientConfig\":{\"url\":\"https://a.example.com\",\"service\":{\"namespace\":\"n\",\"name\":\"s\"}}", "webhooks[0].clientConfig: Required value: exactly one of url or service is required")]
    [InlineData("\"clientConfig\":{\"url\":\"http://a.example.com/x\"}", "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]")]
    [InlineData("\"clientConfig\":{\"url\":\"https://a.example.com/x?y=1\"}", "webhooks[0].clientConfig.url: Invalid value: \"y=1\": query parameters are not permitted in the URL")]
    [InlineData("\"clientConfig\":{\"url\":\"https://a.example.com/x#top\"}", "webhooks[0].clientConfig.url: Invalid value: \"top\": fragments are not permitted in the URL")]
    [InlineData("\"clientConfig\":{\"url\":\"https://me@a.example.com/x\"}", "webhooks[0].clientConfig.url: Invalid value: \"me\": user information is not permitted in the URL")]
    [InlineData("\"clientConfig\":{\"url\":\"https:///x\"}", "webhooks[0].clientConfig.url: Invalid value: \"\": host must be specified; desired format: https://host[/path]")]
    [InlineData("\"clientConfig\":{\"service\":{\"namespace\":\"n\",\"name\":\"s\",\"port\":0}}", "webhooks[0].clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive")]
    [InlineData("\"clientConfig\":{\"service\":{\"namespace\":\"\",\"name\":\"s\"}}", "webhooks[0].clientConfig.service.namespace: Required value: service namespace is required")]
    [InlineData("\"clientConfig\":{\"service\":{\"namespace\":\"n\",\"name\":\"s\",\"path\":\"check\"}}", "webhooks[0].clientConfig.service.path: Invalid value: \"check\": must start with a '/'")]
    [InlineData("\"rules\":[{\"operations\":[\"CREATE\",\"*\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"]}]", "webhooks[0].rules[0].operations: Invalid value: []string{\"CREATE\", \"*\"}: if '*' is present, must not specify other operations")]
    [InlineData("\"rules\":[{\"operations\":[\"PATCH\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"]}]", "webhooks[0].rules[0].operations[0]: Unsupported value: \"PATCH\": supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\"")]
    [InlineData("\"rules\":[{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"*/*\",\"pods\"]}]", "webhooks[0].rules[0].resources: Invalid value: []string{\"*/*\", \"pods\"}: if '*/*' is present, must not specify other resources")]
    [InlineData("\"rules\":[{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods/*\",\"pods/status\"]}]", "webhooks[0].rules[0].resources[1]: Invalid value: \"pods/status\": if 'pods/*' is present, must not specify pods/status")]
    [InlineData("\"rules\":[{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"],\"scope\":\"Everywhere\"}]", "webhooks[0].rules[0].scope: Unsupported value: \"Everywhere\": supported values: \"*\", \"Cluster\", \"Namespaced\"")]
    [InlineData("\"rules\":[{\"operations\":[],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"]}]", "webhooks[0].rules[0].operations: Required value")]
    public void Each_bad_field_gets_upstreams_error(string fields, string expected)
    {
        var errors = Errors<ValidatingWebhookConfiguration>(Validating(Hook(fields)));
        Assert.Equal([expected], errors);
    }

    [Fact]
    public void Webhook_names_are_fully_qualified_and_unique_in_their_configuration()
    {
        Assert.Equal(["webhooks[0].name: Invalid value: \"deny.example\": should be a domain with at least three segments separated by dots"],
            Errors<ValidatingWebhookConfiguration>(Validating(Hook("", name: "deny.example"))));
        Assert.Equal(["webhooks[1].name: Duplicate value: \"deny.example.com\""],
            Errors<ValidatingWebhookConfiguration>(Validating(Hook(""), Hook(""))));
    }

    [Fact]
    public void A_mutating_webhooks_reinvocation_policy_is_never_or_if_needed()
    {
        Assert.Equal(["webhooks[0].reinvocationPolicy: Unsupported value: \"Always\": supported values: \"IfNeeded\", \"Never\""],
            Errors<MutatingWebhookConfiguration>(Mutating(Hook("\"reinvocationPolicy\":\"Always\""))));
    }
}
