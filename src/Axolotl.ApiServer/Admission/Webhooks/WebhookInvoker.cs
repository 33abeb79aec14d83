using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.ApiServer.Admission.Matching;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// What the mutating and validating webhook plugins share (upstream's generic webhook and its two
/// dispatchers' common steps): which webhooks a request goes to, the dry-run rule, one call with its
/// failure policy, and a refusal in upstream's words.
/// </summary>
public sealed partial class WebhookInvoker(WebhookClient client, ObjectStore objects, ILogger logger)
{
    /// <summary>The webhooks of <paramref name="hooks"/> this request goes to, in order.</summary>
    public async Task<List<T>> MatchingAsync<T>(IReadOnlyList<T> hooks, RequestFacts facts, CancellationToken ct)
        where T : Webhook
    {
        var matching = new List<T>();
        var ns = new NamespaceLookup(objects, facts.Namespace);
        foreach (var hook in hooks)
        {
            if (!(hook.Rules ?? []).Any(rule => RuleMatcher.Matches(rule, facts)) || !SelectorMatcher.ObjectMatches(hook.ObjectSelector, facts))
            {
                continue;
            }
            if (await SelectorMatcher.NamespaceMatchesAsync(hook.NamespaceSelector, facts, () => ns.LabelsAsync(ct)))
            {
                matching.Add(hook);
            }
        }
        return matching;
    }

    /// <summary>
    /// Whether <paramref name="hook"/>'s matchConditions let the request through to it, with the object as it is
    /// now (a mutating webhook sees what the ones before it made). A condition that cannot be evaluated skips the
    /// webhook under failurePolicy Ignore and refuses the request (403, as upstream) under Fail.
    /// </summary>
    public bool ConditionsMatch(Webhook hook, AdmissionAttributes attributes, JsonObject? obj)
    {
        var outcome = WebhookMatchConditions.Evaluate(hook, attributes, obj);
        if (outcome.Error is not { } error)
        {
            return outcome.Call;
        }
        if (hook.FailurePolicy == "Ignore")
        {
            LogConditionsIgnored(logger, hook.Name, error);
            return false;
        }
        LogConditionsFailingClosed(logger, hook.Name, error);
        var name = AdmissionReviewRequest.NameOf(attributes, obj);
        throw ApiErrors.Forbidden(attributes.Type, name, $"{attributes.Type.QualifiedResource} \"{name}\" is forbidden: {error}");
    }

    /// <summary>
    /// Sends the request to <paramref name="hook"/>. Returns its answer when it allowed the request; null
    /// when it could not be asked and its failurePolicy is Ignore. Throws its refusal, the failure
    /// (failurePolicy Fail) as an InternalError, or a BadRequest for a dry run it cannot take.
    /// </summary>
    public async Task<AdmissionReviewResponse?> CallAsync(Webhook hook, AdmissionAttributes attributes, JsonObject? obj, bool mutating, CancellationToken ct)
    {
        if (attributes.DryRun && hook.SideEffects is not ("None" or "NoneOnDryRun"))
        {
            throw ApiErrors.BadRequest($"admission webhook \"{hook.Name}\" does not support dry run");
        }
        AdmissionReviewResponse response;
        try
        {
            var version = (hook.AdmissionReviewVersions ?? []).FirstOrDefault(v => Api.Validation.WebhookConfigurationValidation.AcceptedAdmissionReviewVersions.Contains(v))
                ?? throw new WebhookCallException(hook.Name, $"webhook does not accept known AdmissionReview versions: {string.Join(", ", hook.AdmissionReviewVersions ?? [])}");
            var uid = Guid.NewGuid().ToString();
            var review = AdmissionReviewRequest.Build(version, uid, attributes, obj);
            var body = await client.PostAsync(hook, review, ct);
            response = AdmissionReviewResponse.Parse(hook.Name, version, uid, mutating, body);
        }
        catch (WebhookCallException e)
        {
            if (hook.FailurePolicy == "Ignore")
            {
                LogIgnored(logger, hook.Name, e.Reason);
                return null;
            }
            LogFailingClosed(logger, hook.Name, e.Reason);
            throw ApiErrors.Internal(e.Message);
        }
        // Validating webhooks are asked at once and the request's warnings are one list.
        lock (attributes.Warnings)
        {
            foreach (var warning in response.Warnings)
            {
                attributes.Warnings.Add(warning);
            }
        }
        if (!response.Allowed)
        {
            throw Denied(hook.Name, response.Result);
        }
        return response;
    }

    /// <summary>Upstream's ToStatusErr: the webhook's status, at least a 400, with its message after who denied it.</summary>
    public static ApiException Denied(string webhookName, JsonObject? result)
    {
        var deniedBy = $"admission webhook \"{webhookName}\" denied the request";
        var code = result?["code"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : 0;
        var message = Str(result?["message"]) ?? "";
        var reason = Str(result?["reason"]) ?? "";
        var text = message.Length > 0 ? $"{deniedBy}: {message}" : reason.Length > 0 ? $"{deniedBy}: {reason}" : $"{deniedBy} without explanation";
        var details = result?["details"] is JsonObject d ? Api.Serialization.KubeJson.FromNode<Api.Meta.StatusDetails>(d) : null;
        return ApiErrors.Make(code < 400 ? 400 : code, reason, text, details);
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed evaluating match conditions of webhook {Webhook}, failing open: {Reason}")]
    private static partial void LogConditionsIgnored(ILogger logger, string webhook, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed evaluating match conditions of webhook {Webhook}, failing closed: {Reason}")]
    private static partial void LogConditionsFailingClosed(ILogger logger, string webhook, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed calling webhook {Webhook}, failing open: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string webhook, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed calling webhook {Webhook}, failing closed: {Reason}")]
    private static partial void LogFailingClosed(ILogger logger, string webhook, string reason);
}
