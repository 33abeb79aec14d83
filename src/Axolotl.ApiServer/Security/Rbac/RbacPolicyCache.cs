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
/// ClusterRoles and bindings: one <see cref="StoreReflector"/> per kind (list, watch, relist when the
/// watch falls behind or fails); every change rebuilds the snapshot off the request path and swaps it
/// in atomically, so requests never wait on a lock.
/// </summary>
public sealed partial class RbacPolicyCache(ObjectStore objects, TimeProvider clock, ILogger<RbacPolicyCache> logger)
{
    private static readonly ResourceType[] Kinds = [KnownResources.ClusterRoles, KnownResources.Roles, KnownResources.ClusterRoleBindings, KnownResources.RoleBindings];

    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceType, Dictionary<string, KubeObject>> _objects = Kinds.ToDictionary(k => k, _ => new Dictionary<string, KubeObject>(StringComparer.Ordinal));
    private volatile RbacPolicy _current = RbacPolicy.Empty;

    public RbacPolicy Current => _current;

    /// <summary>Starts following every kind until <paramref name="stopping"/> fires; returns once each was listed.</summary>
    public async Task StartAsync(CancellationToken stopping)
    {
        var reflectors = Kinds.Select(kind => new StoreReflector(objects.Store, $"RBAC cache ({kind.Plural})",
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
        }
        Rebuild();
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
        }
        Rebuild();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "RBAC cache: cannot decode {Key}; it grants nothing")]
    private static partial void LogUndecodable(ILogger logger, Exception e, string key);
}
