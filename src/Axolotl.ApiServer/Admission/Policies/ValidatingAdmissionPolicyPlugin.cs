using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Meta;
using Axolotl.ApiServer.Admission.Matching;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// Upstream's ValidatingAdmissionPolicy plugin, after MutatingAdmissionWebhook and before ValidatingAdmissionWebhook.
/// For each policy in force (<see cref="PolicyCache"/>) whose matchConstraints match the request, each binding whose
/// matchResources match: its params, then every validation (<see cref="PolicyEvaluator"/>) once per param. A failed
/// validation does what the binding's validationActions say: Deny refuses the request, Warn adds upstream's warning.
/// A policy or binding that cannot be applied (an unknown paramKind, params missing under Deny, an expression that no
/// longer compiles) refuses under failurePolicy Fail and is skipped under Ignore. The first refusal is the answer,
/// worded and coded as upstream's: "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: …" with the
/// validation's reason. Requests for admissionregistration.k8s.io resources are never judged.
/// </summary>
public sealed partial class ValidatingAdmissionPolicyPlugin(PolicyCache policies, PolicyParams parameters, ObjectStore objects, TimeProvider clock,
    ILogger<ValidatingAdmissionPolicyPlugin> logger) : IValidatingAdmissionPlugin
{
    public string Name => "ValidatingAdmissionPolicy";

    public PolicyCache Policies { get; } = policies;

    public async Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct)
    {
        var hooks = Policies.Current.Hooks;
        if (hooks.Count == 0 || AdmissionConfigurationResources.IsExempt(attributes.Type))
        {
            return;
        }
        var obj = attributes.Object;
        var facts = RequestFacts.From(attributes, obj);
        // The Namespace object itself carries its own name as its namespace; namespaceObject is null for it, as upstream's.
        var ns = new NamespaceLookup(objects, facts.IsNamespaceObject ? "" : facts.Namespace);
        var selectorNamespace = new NamespaceLookup(objects, facts.Namespace);
        Refusal? refusal = null;
        JsonObject? request = null;
        foreach (var hook in hooks)
        {
            var policy = hook.Policy;
            if (!await PolicyMatcher.MatchesAsync(policy.Spec.MatchConstraints, facts, selectorNamespace, ct))
            {
                continue;
            }
            var kind = policy.Spec.ParamKind is { } paramKind ? parameters.Resolve(paramKind) : null;
            var policyError = policy.ConfigurationError
                ?? (policy.Spec.ParamKind is { } unknown && kind is null ? $"failed to find resource referenced by paramKind: '{unknown.ApiVersion}, Kind={unknown.Kind}'" : null);
            if (policyError is not null)
            {
                refusal ??= ConfigurationRefusal(policy, null, $"failed to configure policy: {policyError}");
                continue;
            }
            foreach (var binding in hook.Bindings)
            {
                if (!await PolicyMatcher.MatchesAsync(binding.Spec?.MatchResources, facts, selectorNamespace, ct))
                {
                    continue;
                }
                IReadOnlyList<JsonObject?> found;
                try
                {
                    found = await parameters.CollectAsync(kind, binding.Spec?.ParamRef, attributes.Namespace ?? "", ct);
                }
                catch (PolicyConfigurationException e)
                {
                    refusal ??= ConfigurationRefusal(policy, binding, $"failed to configure binding: {e.Message}");
                    continue;
                }
                request ??= AdmissionReviewRequest.ForCel(attributes, obj);
                var namespaceObject = await ns.GetAsync(ct);
                foreach (var param in found)
                {
                    var input = new PolicyInput(obj, attributes.OldObject, request, namespaceObject, param);
                    foreach (var decision in PolicyEvaluator.Evaluate(policy, input, new Cel.CelEvaluationOptions { Time = clock, CancellationToken = ct }))
                    {
                        var denied = Act(attributes, policy, binding, decision);
                        refusal ??= denied;
                    }
                }
            }
        }
        if (refusal is { } first)
        {
            throw Denied(attributes, obj, first);
        }
    }

    /// <summary>Carries out the binding's actions for a failed validation; returns the refusal when it denies and none came before.</summary>
    private Refusal? Act(AdmissionAttributes attributes, CompiledPolicy policy, ValidatingAdmissionPolicyBinding binding, PolicyDecision decision)
    {
        Refusal? refusal = null;
        foreach (var action in binding.Spec?.ValidationActions ?? [])
        {
            if (action == "Deny")
            {
                refusal = new Refusal(policy.Name, binding.Metadata.Name, decision);
            }
            else if (action == "Warn")
            {
                attributes.Warnings.Add($"Validation failed for ValidatingAdmissionPolicy '{policy.Name}' with binding '{binding.Metadata.Name}': {decision.Message}");
            }
        }
        return refusal;
    }

    private Refusal? ConfigurationRefusal(CompiledPolicy policy, ValidatingAdmissionPolicyBinding? binding, string message)
    {
        LogConfigurationError(logger, policy.Name, binding?.Metadata.Name ?? "", message);
        return policy.FailOpen ? null : new Refusal(policy.Name, binding?.Metadata.Name, new PolicyDecision(message));
    }

    /// <summary>Upstream's admission.NewForbidden with the decision's reason and code and the message as a cause.</summary>
    private static ApiException Denied(AdmissionAttributes attributes, JsonObject? obj, Refusal refusal)
    {
        var message = refusal.Binding is { } binding
            ? $"ValidatingAdmissionPolicy '{refusal.Policy}' with binding '{binding}' denied request: {refusal.Decision.Message}"
            : $"ValidatingAdmissionPolicy '{refusal.Policy}' denied request: {refusal.Decision.Message}";
        var type = attributes.Type;
        var name = AdmissionReviewRequest.NameOf(attributes, obj ?? attributes.OldObject);
        var details = new StatusDetails
        {
            Name = name,
            Group = type.Group.Length == 0 ? null : type.Group,
            Kind = type.Plural,
            Causes = [new StatusCause { Message = message }],
        };
        return ApiErrors.Make(refusal.Decision.Code, refusal.Decision.Reason, $"{type.QualifiedResource} \"{name}\" is forbidden: {message}", details);
    }

    private sealed record Refusal(string Policy, string? Binding, PolicyDecision Decision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ValidatingAdmissionPolicy {Policy} (binding {Binding}) cannot be applied: {Reason}")]
    private static partial void LogConfigurationError(ILogger logger, string policy, string binding, string reason);
}
