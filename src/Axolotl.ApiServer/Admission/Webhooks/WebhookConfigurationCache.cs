using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// Keeps <see cref="Current"/> in step with the stored webhook configurations (upstream's webhook
/// configuration informers) through <see cref="FollowedKinds"/>; each change rebuilds the snapshot
/// and swaps it in, so a request reads one reference and never the store. A configuration written a
/// moment ago may not be seen by a request in flight, as upstream's informer lags too.
/// </summary>
public sealed class WebhookConfigurationCache
{
    private readonly FollowedKinds _followed;
    private volatile WebhookConfigurations _current = WebhookConfigurations.Empty;

    public WebhookConfigurationCache(ObjectStore objects, TimeProvider clock, ILogger<WebhookConfigurationCache> logger) =>
        _followed = new FollowedKinds(objects, "webhook configurations",
            [KnownResources.MutatingWebhookConfigurations, KnownResources.ValidatingWebhookConfigurations], Rebuild, "it is not called", clock, logger);

    public WebhookConfigurations Current => _current;

    /// <summary>Starts following both kinds until <paramref name="stopping"/> fires; returns once each was listed.</summary>
    public Task StartAsync(CancellationToken stopping) => _followed.StartAsync(stopping);

    /// <summary>For tests: replaces the snapshot without a store.</summary>
    public void Set(WebhookConfigurations configurations) => _current = configurations;

    private void Rebuild(FollowedKinds followed) =>
        _current = WebhookConfigurations.Build(
            followed.Of<MutatingWebhookConfiguration>(KnownResources.MutatingWebhookConfigurations),
            followed.Of<ValidatingWebhookConfiguration>(KnownResources.ValidatingWebhookConfigurations));
}
