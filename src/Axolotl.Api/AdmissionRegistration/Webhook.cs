using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>
/// The fields MutatingWebhook and ValidatingWebhook share (upstream declares them twice, identically),
/// so matching, calling and validation are written once.
/// </summary>
public abstract class Webhook
{
    [Description("The webhook's name, a domain of at least three segments (imagepolicy.example.com); unique in its configuration.")]
    public string Name { get; set => field = value ?? ""; } = "";

    [Description("How to reach the webhook: a url, or a Service in the cluster, and the CA that signs its certificate.")]
    public WebhookClientConfig? ClientConfig { get; set; }

    [Description("Which operations on which resources the webhook is called for.")]
    public List<RuleWithOperations>? Rules { get; set; }

    [Description("Ignore or Fail (the default): what happens when the webhook cannot be reached or answers nonsense.")]
    public string? FailurePolicy { get; set; }

    [Description("Exact or Equivalent (the default): whether a request to another version of a matched resource is sent too.")]
    public string? MatchPolicy { get; set; }

    [Description("Only objects in namespaces whose labels match are sent; {} (the default) matches every namespace.")]
    public LabelSelector? NamespaceSelector { get; set; }

    [Description("Only objects whose labels (old or new) match are sent; {} (the default) matches every object.")]
    public LabelSelector? ObjectSelector { get; set; }

    [Description("None or NoneOnDryRun: whether calling the webhook changes anything elsewhere. Dry-run requests are sent only to webhooks that say so.")]
    public string? SideEffects { get; set; }

    [Description("How long to wait for the webhook, 1 to 30 seconds (default 10); then the failure policy applies.")]
    public int? TimeoutSeconds { get; set; }

    [Description("The AdmissionReview versions the webhook understands, preferred first; must include v1 or v1beta1.")]
    public List<string>? AdmissionReviewVersions { get; set; }

    [Description("CEL conditions (over object, oldObject and request) a request must meet to be sent; at most 64. Any false: not sent; an error: the failure policy decides.")]
    public List<MatchCondition>? MatchConditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 MutatingWebhook.</summary>
public sealed class MutatingWebhook : Webhook
{
    [Description("Never (the default) or IfNeeded: call the webhook once more when a later webhook changed the object.")]
    public string? ReinvocationPolicy { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 ValidatingWebhook.</summary>
public sealed class ValidatingWebhook : Webhook
{
}
