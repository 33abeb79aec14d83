using System.Runtime.ExceptionServices;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// Upstream's ValidatingAdmissionWebhook: every matching validating webhook is asked at once, on the
/// admitted object (or, for a delete, the one going); any refusal or failure (failurePolicy Fail) refuses
/// the request. With several, the first in configuration order is the answer (upstream returns whichever
/// came back first).
/// </summary>
public sealed class ValidatingAdmissionWebhook(WebhookConfigurationCache configurations, WebhookInvoker invoker) : IValidatingAdmissionPlugin
{
    public string Name => "ValidatingAdmissionWebhook";

    public WebhookConfigurationCache Configurations { get; } = configurations;

    public async Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct)
    {
        var hooks = Configurations.Current.Validating;
        if (hooks.Count == 0 || Matching.AdmissionConfigurationResources.IsExempt(attributes.Type))
        {
            return;
        }
        var obj = attributes.Object;
        var matching = (await invoker.MatchingAsync(hooks, Matching.RequestFacts.From(attributes, obj), ct))
            .Where(hook => invoker.ConditionsMatch(hook, attributes, obj)).ToList();
        var calls = matching.Select(hook => invoker.CallAsync(hook, attributes, obj, mutating: false, ct)).ToList();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception) when (calls.Any(c => c.IsFaulted || c.IsCanceled))
        {
            var first = calls.First(c => c.IsFaulted || c.IsCanceled);
            if (first.Exception?.InnerException is { } e)
            {
                ExceptionDispatchInfo.Throw(e);
            }
            throw;
        }
    }
}
