using Axolotl.Api.Rbac;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Security.Rbac;

/// <summary>
/// Keeps <see cref="Current"/> (an indexed <see cref="RbacPolicy"/>) in step with the stored Roles,
/// ClusterRoles and bindings through <see cref="FollowedKinds"/> (list, watch, relist when the
/// watch falls behind or fails); every change rebuilds the snapshot off the request path and swaps it
/// in atomically, so requests never wait on a lock.
/// </summary>
public sealed class RbacPolicyCache
{
    private readonly FollowedKinds _followed;
    private volatile RbacPolicy _current = RbacPolicy.Empty;

    public RbacPolicyCache(ObjectStore objects, TimeProvider clock, ILogger<RbacPolicyCache> logger) =>
        _followed = new FollowedKinds(objects, "RBAC cache",
            [KnownResources.ClusterRoles, KnownResources.Roles, KnownResources.ClusterRoleBindings, KnownResources.RoleBindings],
            Rebuild, "it grants nothing", clock, logger);

    public RbacPolicy Current => _current;

    /// <summary>Starts following every kind until <paramref name="stopping"/> fires; returns once each was listed.</summary>
    public Task StartAsync(CancellationToken stopping) => _followed.StartAsync(stopping);

    private void Rebuild(FollowedKinds followed) =>
        _current = RbacPolicy.Build(
            followed.Of<ClusterRole>(KnownResources.ClusterRoles),
            followed.Of<Role>(KnownResources.Roles),
            followed.Of<ClusterRoleBinding>(KnownResources.ClusterRoleBindings),
            followed.Of<RoleBinding>(KnownResources.RoleBindings));
}
