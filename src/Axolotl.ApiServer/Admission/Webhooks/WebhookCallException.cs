namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// The webhook could not be asked, or its answer could not be used (upstream's ErrCallingWebhook): the
/// only failures the failurePolicy applies to. A refusal, or a patch that does not apply, is not one.
/// </summary>
public sealed class WebhookCallException(string webhookName, string reason, string? cause = null) : Exception($"failed calling webhook \"{webhookName}\": {reason}")
{
    public string WebhookName { get; } = webhookName;

    public string Reason { get; } = reason;

    /// <summary>What went wrong in client-go's words, without admission's "failed to call webhook: " (a conversion webhook's error quotes this).</summary>
    public string Cause { get; } = cause ?? reason;
}
