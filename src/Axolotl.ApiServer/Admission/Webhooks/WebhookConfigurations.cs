using Axolotl.Api.AdmissionRegistration;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// One immutable snapshot of every webhook, in the order upstream calls them: configurations sorted by
/// name, webhooks in the order each lists them. Swapped whole when a configuration changes.
/// </summary>
public sealed record WebhookConfigurations(IReadOnlyList<MutatingWebhook> Mutating, IReadOnlyList<ValidatingWebhook> Validating)
{
    public static WebhookConfigurations Empty { get; } = new([], []);

    public static WebhookConfigurations Build(IEnumerable<MutatingWebhookConfiguration> mutating, IEnumerable<ValidatingWebhookConfiguration> validating) =>
        new(
            [.. mutating.OrderBy(c => c.Metadata.Name, StringComparer.Ordinal).SelectMany(c => c.Webhooks ?? [])],
            [.. validating.OrderBy(c => c.Metadata.Name, StringComparer.Ordinal).SelectMany(c => c.Webhooks ?? [])]);
}
