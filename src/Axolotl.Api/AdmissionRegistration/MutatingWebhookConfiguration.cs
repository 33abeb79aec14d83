using System.ComponentModel;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>admissionregistration.k8s.io/v1 MutatingWebhookConfiguration (cluster-scoped): webhooks that may change objects before they are stored.</summary>
[Description("Admission webhooks that may change an object before it is stored, and the requests they are called for.")]
public sealed class MutatingWebhookConfiguration : KubeObject
{
    [Description("The webhooks, called one after another in this order.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<MutatingWebhook>? Webhooks { get; set; }
}
