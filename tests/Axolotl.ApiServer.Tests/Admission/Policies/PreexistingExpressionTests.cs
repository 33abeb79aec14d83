using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using static Axolotl.ApiServer.Tests.Admission.Policies.PolicyFixture;

namespace Axolotl.ApiServer.Tests.Admission.Policies;

/// <summary>
/// kube-apiserver 1.32 compiles an expression a write adds against its compatibility version (1.31), and one the object
/// already had against everything: a two-variable comprehension may stay in a policy or webhook that has it, not arrive.
/// </summary>
public sealed class PreexistingExpressionTests
{
    private const string TwoVariables = "object.spec.template.spec.containers.all(i, c, c.name != '')";

    private static JsonObject PolicyJson(string expression) => Json($$$"""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"p"},
         "spec":{"matchConstraints":{{{Deployments}}},"validations":[{"expression":"{{{expression}}}"}]}}
        """);

    private static JsonObject WebhookJson(string expression) => Json($$$"""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"w"},
         "webhooks":[{"name":"w.example.com","clientConfig":{"url":"https://hook.example.com/"},"sideEffects":"None","admissionReviewVersions":["v1"],
                      "matchConditions":[{"name":"c","expression":"{{{expression}}}"}]}]}
        """);

    private static JsonObject Admit(ResourceType type, JsonObject obj, JsonObject? old) =>
        new AdmissionChain().Admit(type, obj, old, FieldValidationMode.Strict, []);

    [Fact]
    public void A_new_policy_expression_is_compiled_as_new_and_a_kept_one_as_stored()
    {
        var created = Assert.Throws<ApiException>(() => Admit(KnownResources.ValidatingAdmissionPolicies, PolicyJson(TwoVariables), null));
        Assert.Contains("spec.validations[0].expression", created.Status.Message, StringComparison.Ordinal);
        Assert.Contains("undeclared reference to 'all'", created.Status.Message, StringComparison.Ordinal);

        var stored = PolicyJson(TwoVariables);
        Admit(KnownResources.ValidatingAdmissionPolicies, PolicyJson(TwoVariables), stored);

        var changed = Assert.Throws<ApiException>(() => Admit(KnownResources.ValidatingAdmissionPolicies, PolicyJson(TwoVariables + " && true"), stored));
        Assert.Contains("undeclared reference to 'all'", changed.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_webhook_match_condition_is_compiled_as_new_and_a_kept_one_as_stored()
    {
        var condition = "object.metadata.labels.all(k, v, v != '')";
        var created = Assert.Throws<ApiException>(() => Admit(KnownResources.ValidatingWebhookConfigurations, WebhookJson(condition), null));
        Assert.Contains("webhooks[0].matchConditions[0].expression", created.Status.Message, StringComparison.Ordinal);

        Admit(KnownResources.ValidatingWebhookConfigurations, WebhookJson(condition), WebhookJson(condition));
    }
}
