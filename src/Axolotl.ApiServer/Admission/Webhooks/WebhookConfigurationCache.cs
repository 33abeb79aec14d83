using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// Keeps <see cref="Current"/> in step with the stored webhook configurations (upstream's webhook
/// configuration informers): one <see cref="StoreReflector"/> per kind; each change rebuilds the snapshot
/// and swaps it in, so a request reads one reference and never the store. A configuration written a
/// moment ago may not be seen by a request in flight, as upstream's informer lags too.
/// </summary>
public sealed partial class WebhookConfigurationCache(ObjectStore objects, TimeProvider clock, ILogger<WebhookConfigurationCache> logger)
{
    private static readonly ResourceType[] Kinds = [KnownResources.MutatingWebhookConfigurations, KnownResources.ValidatingWebhookConfigurations];

    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceType, Dictionary<string, KubeObject>> _objects = Kinds.ToDictionary(k => k, _ => new Dictionary<string, KubeObject>(StringComparer.Ordinal));
    private volatile WebhookConfigurations _current = WebhookConfigurations.Empty;

    public WebhookConfigurations Current => _current;

    /// <summary>Starts following both kinds until <paramref name="stopping"/> fires; returns once each was listed.</summary>
    public async Task StartAsync(CancellationToken stopping)
    {
        var reflectors = Kinds.Select(kind => new StoreReflector(objects.Store, $"webhook configurations ({kind.Plural})",
            list => Replace(kind, list), change => Apply(kind, change), clock, logger)
        {
            ListPrefix = ObjectStore.Prefix(kind, null),
        }).ToList();
        foreach (var reflector in reflectors)
        {
            _ = Task.Run(() => reflector.RunAsync(stopping), stopping);
        }
        await Task.WhenAll(reflectors.Select(r => r.Synced)).WaitAsync(stopping);
    }

    /// <summary>For tests: replaces the snapshot without a store.</summary>
    public void Set(WebhookConfigurations configurations) => _current = configurations;

    private void Replace(ResourceType kind, StoreListResult list)
    {
        lock (_lock)
        {
            var map = _objects[kind];
            map.Clear();
            foreach (var entry in list.Items)
            {
                if (Decode(kind, entry) is { } obj)
                {
                    map[entry.Key] = obj;
                }
            }
            Rebuild();
        }
    }

    private void Apply(ResourceType kind, StoreEvent change)
    {
        lock (_lock)
        {
            var map = _objects[kind];
            if (change.Type == StoreEventType.Deleted)
            {
                map.Remove(change.Entry.Key);
            }
            else if (Decode(kind, change.Entry) is { } obj)
            {
                map[change.Entry.Key] = obj;
            }
            Rebuild();
        }
    }

    private void Rebuild() =>
        _current = WebhookConfigurations.Build(
            _objects[KnownResources.MutatingWebhookConfigurations].Values.Cast<MutatingWebhookConfiguration>(),
            _objects[KnownResources.ValidatingWebhookConfigurations].Values.Cast<ValidatingWebhookConfiguration>());

    private KubeObject? Decode(ResourceType kind, StoreEntry entry)
    {
        try
        {
            return KubeJson.FromNode(ObjectStore.Decode(entry).Object, kind.ClrType) as KubeObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            LogUndecodable(logger, e, entry.Key);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook configuration {Key} does not decode; it is not called")]
    private static partial void LogUndecodable(ILogger logger, Exception e, string key);
}
