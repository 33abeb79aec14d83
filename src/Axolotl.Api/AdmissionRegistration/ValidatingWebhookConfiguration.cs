using System.ComponentModel;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration (cluster-scoped): webhooks that accept or refuse objects.</summary>
[Description("Admission webhooks that accept or refuse an object without changing it, and the requests they are called for.")]
public sealed class ValidatingWebhookConfiguration : KubeObject
{
    [Description("The webhooks, called in parallel.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<ValidatingWebhook>? Webhooks { get; set; }
}
