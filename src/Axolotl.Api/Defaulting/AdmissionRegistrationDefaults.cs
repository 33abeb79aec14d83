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

    /// <summary>A policy fails closed unless it says otherwise; its match constraints get MatchResources' defaults.</summary>
    public static void Apply(ValidatingAdmissionPolicy policy)
    {
        if (policy.Spec is not { } spec)
        {
            return;
        }
        spec.FailurePolicy ??= "Fail";
        Apply(spec.MatchConstraints);
    }

    public static void Apply(ValidatingAdmissionPolicyBinding binding) => Apply(binding.Spec?.MatchResources);

    private static void Apply(MatchResources? match)
    {
        if (match is null)
        {
            return;
        }
        match.MatchPolicy ??= "Equivalent";
        match.NamespaceSelector ??= new LabelSelector();
        match.ObjectSelector ??= new LabelSelector();
        foreach (var rule in (match.ResourceRules ?? []).Concat(match.ExcludeResourceRules ?? []))
        {
            rule.Scope ??= "*";
        }
    }
}
