using System.Collections.Concurrent;
using System.Threading.Channels;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// Keeps every ResourceQuota's status current (upstream's resource quota controller, run inside the
/// API server): status.hard mirrors spec.hard and status.used is recounted from the store whenever
/// something in the namespace is written or deleted, plus a full recount every
/// <see cref="ResyncPeriod"/> (upstream's 5 minutes) for usage that ends with time alone, such as
/// pods stuck terminating past their grace period.
/// </summary>
public sealed class QuotaStatusUpdater(ObjectStore objects, NamespaceLocks locks, TimeProvider clock, ILogger logger, QuotaNamespaces? namespaces = null)
{
    /// <summary>Which namespaces hold quotas, kept from this updater's watch: a change in a namespace without one costs no store read.</summary>
    private readonly QuotaNamespaces _namespaces = namespaces ?? new QuotaNamespaces();

    private const int MaxWriteAttempts = 5;

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);

    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs the watch, the worker and the periodic resync until <paramref name="ct"/> fires.</summary>
    public Task StartAsync(CancellationToken ct) =>
        Task.WhenAll(Guard(WatchLoopAsync, ct), Guard(WorkLoopAsync, ct), Guard(ResyncLoopAsync, ct));

    /// <summary>Recounts every quota of <paramref name="ns"/> and writes the statuses that changed. The caller holds the namespace lock.</summary>
    public async Task RecountLockedAsync(string ns, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var usage = new QuotaUsage(objects, ns);
        foreach (var (quota, _) in await QuotaUsage.LoadQuotasAsync(objects, ns, ct))
        {
            var status = await usage.StatusAsync(quota, now, ct);
            await WriteStatusAsync(ns, quota.Metadata.Name ?? "", status, ct);
        }
    }

    public void Enqueue(string ns)
    {
        if (_pending.TryAdd(ns, 0))
        {
            _queue.Writer.TryWrite(ns);
        }
    }

    private async Task WriteStatusAsync(string ns, string name, ResourceQuotaStatus status, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var current = await objects.GetAsync(KnownResources.ResourceQuotas, ns, name, ct);
            if (current is null)
            {
                return;
            }
            var existing = KubeJson.FromNode<ResourceQuota>(current.Object)?.Status;
            if (ResourceLists.Equal(existing?.Hard, status.Hard) && ResourceLists.Equal(existing?.Used, status.Used)
                && existing?.Hard is not null && existing.Used is not null)
            {
                return;
            }
            var updated = current.Object;
            updated["status"] = KubeJson.ToNode(status);
            try
            {
                await objects.UpdateAsync(KnownResources.ResourceQuotas, updated, current.Revision, ct);
                return;
            }
            catch (ApiException e) when (e.Code is 409 or 404)
            {
                // Someone wrote the quota in between (its spec may have changed): the caller recounts on the next event.
                if (e.Code == 404)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Every quota's namespace is recounted after each (re)list of the quotas, and a namespace again on
    /// every change to anything in it (the watch covers the whole store, from the quota list's revision).
    /// </summary>
    private Task WatchLoopAsync(CancellationToken ct) =>
        new StoreReflector(objects.Store, "quota status",
            quotas =>
            {
                _namespaces.Replace(quotas);
                EnqueueAll(quotas);
            },
            change =>
            {
                _namespaces.Apply(change);
                EnqueueOf(change.Entry.Key);
            }, clock, logger)
        {
            ListPrefix = ObjectStore.Prefix(KnownResources.ResourceQuotas, null),
            WatchPrefix = "/",
        }.RunAsync(ct);

    private async Task WorkLoopAsync(CancellationToken ct)
    {
        await foreach (var ns in _queue.Reader.ReadAllAsync(ct))
        {
            _pending.TryRemove(ns, out _);
            try
            {
                if (!await _namespaces.HasQuotasAsync(objects, ns, ct))
                {
                    continue;
                }
                using (await locks.AcquireAsync(ns, ct))
                {
                    await RecountLockedAsync(ns, ct);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Not only store errors: a timeout that is not shutdown must not end the worker for good.
                logger.LogWarning(e, "recounting quota usage in namespace {Namespace} failed", ns);
            }
        }
    }

    private async Task ResyncLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(ResyncPeriod, clock, ct);
            try
            {
                await EnqueueAllAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "quota resync failed");
            }
        }
    }

    private async Task EnqueueAllAsync(CancellationToken ct) =>
        EnqueueAll(await objects.ListAsync(KnownResources.ResourceQuotas, null, 0, null, ct));

    private void EnqueueAll(StoreListResult quotas)
    {
        foreach (var entry in quotas.Items)
        {
            EnqueueOf(entry.Key);
        }
    }

    private void EnqueueOf(string key)
    {
        if (NamespaceOf(key) is { } ns)
        {
            Enqueue(ns);
        }
    }

    /// <summary>The namespace of a namespaced key such as /pods/default/web-1; null for cluster-scoped keys and events.</summary>
    public static string? NamespaceOf(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 4 || parts[1] == KnownResources.Events.StorageResource)
        {
            return null;
        }
        return parts[2];
    }

    private async Task Guard(Func<CancellationToken, Task> loop, CancellationToken ct)
    {
        try
        {
            await loop(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "quota status loop stopped");
        }
    }
}
