using Axolotl.Api.Meta;
using Axolotl.Api.Rbac;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Security.Rbac;

/// <summary>
/// Keeps <see cref="Current"/> (an indexed <see cref="RbacPolicy"/>) in step with the stored Roles,
/// ClusterRoles and bindings: one list and then one store watch per kind; every change rebuilds the
/// snapshot off the request path and swaps it in atomically, so requests never wait on a lock.
/// A watch that falls behind (compaction) relists its kind.
/// </summary>
public sealed partial class RbacPolicyCache(ObjectStore objects, TimeProvider clock, ILogger<RbacPolicyCache> logger)
{
    private static readonly ResourceType[] Kinds = [KnownResources.ClusterRoles, KnownResources.Roles, KnownResources.ClusterRoleBindings, KnownResources.RoleBindings];

    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceType, Dictionary<string, KubeObject>> _objects = Kinds.ToDictionary(k => k, _ => new Dictionary<string, KubeObject>(StringComparer.Ordinal));
    private volatile RbacPolicy _current = RbacPolicy.Empty;

    public RbacPolicy Current => _current;

    /// <summary>Loads every kind, then keeps watching until <paramref name="stopping"/> fires.</summary>
    public async Task StartAsync(CancellationToken stopping)
    {
        var revisions = new Dictionary<ResourceType, long>();
        foreach (var kind in Kinds)
        {
            revisions[kind] = await ListAsync(kind, stopping);
        }
        Rebuild();
        foreach (var kind in Kinds)
        {
            _ = Task.Run(() => WatchAsync(kind, revisions[kind], stopping), stopping);
        }
    }

    private async Task<long> ListAsync(ResourceType kind, CancellationToken ct)
    {
        var list = await objects.Store.ListAsync(ObjectStore.Prefix(kind, null), 0, null, ct);
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
        }
        return list.Revision;
    }

    private async Task WatchAsync(ResourceType kind, long after, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in objects.Store.WatchAsync(ObjectStore.Prefix(kind, null), after, ct))
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
                    }
                    after = change.Entry.ModRevision;
                    Rebuild();
                }
                return; // the store was disposed
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is CompactedException or StoreException)
            {
                LogRelist(logger, e, kind.Plural);
                try
                {
                    after = await ListAsync(kind, ct);
                    Rebuild();
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception again) when (again is StoreException)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), clock, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }
    }

    private void Rebuild()
    {
        lock (_lock)
        {
            _current = RbacPolicy.Build(
                _objects[KnownResources.ClusterRoles].Values.Cast<ClusterRole>(),
                _objects[KnownResources.Roles].Values.Cast<Role>(),
                _objects[KnownResources.ClusterRoleBindings].Values.Cast<ClusterRoleBinding>(),
                _objects[KnownResources.RoleBindings].Values.Cast<RoleBinding>());
        }
    }

    private KubeObject? Decode(ResourceType kind, StoreEntry entry)
    {
        try
        {
            return KubeJson.FromNode(ObjectStore.Decode(entry).Object, kind.ClrType) as KubeObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            // Validation keeps malformed objects out; one that got in anyway grants nothing.
            LogUndecodable(logger, e, entry.Key);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RBAC cache: watch of {Resource} fell behind; relisting")]
    private static partial void LogRelist(ILogger logger, Exception e, string resource);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RBAC cache: cannot decode {Key}; it grants nothing")]
    private static partial void LogUndecodable(ILogger logger, Exception e, string key);
}
