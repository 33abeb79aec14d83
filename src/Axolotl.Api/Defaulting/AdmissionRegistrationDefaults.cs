using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Core;

namespace Axolotl.Api.Defaulting;

/// <summary>admissionregistration.k8s.io/v1 defaults (upstream's v1 SetDefaults_*). sideEffects and admissionReviewVersions have none in v1: they are required.</summary>
public static class AdmissionRegistrationDefaults
{
    public static void Apply(IEnumerable<Webhook>? webhooks)
    {
        foreach (var hook in webhooks ?? [])
        {
            hook.FailurePolicy ??= "Fail";
            hook.MatchPolicy ??= "Equivalent";
            hook.NamespaceSelector ??= new LabelSelector();
            hook.ObjectSelector ??= new LabelSelector();
            hook.TimeoutSeconds ??= 10;
            if (hook is MutatingWebhook mutating)
            {
                mutating.ReinvocationPolicy ??= "Never";
            }
            foreach (var rule in hook.Rules ?? [])
            {
                rule.Scope ??= "*";
            }
            if (hook.ClientConfig?.Service is { } service)
            {
                service.Port ??= 443;
            }
        }
    }
}
