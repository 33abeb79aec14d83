using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Rbac;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Upstream's RBAC escalation prevention on writes of roles and bindings: a Role or ClusterRole may
/// only grant what the writer already holds (in that namespace) unless they may `escalate` it; an
/// aggregationRule needs full authority; a binding needs `bind` on its role or holding every rule
/// of it. system:masters is exempt. An update that grants nothing new (same rules, same subjects) is
/// not checked, so the garbage collector and other metadata writers need no role of their own.
/// </summary>
public sealed class RbacEscalation(Authorizer authorizer, ObjectStore objects) : IValidatingAdmissionPlugin
{
    private static readonly PolicyRule[] FullAuthority =
    [
        new() { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] },
        new() { Verbs = ["*"], NonResourceUrls = ["*"] },
    ];

    /// <summary>Not an admission plugin upstream (RBAC's storage checks it); here it runs with the validating plugins.</summary>
    public string Name => "RbacEscalation";

    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct) =>
        attributes.Operation is AdmissionOperation.Create or AdmissionOperation.Update
            ? CheckAsync(attributes.User, attributes.Type, attributes.Object!, attributes.OldObject, ct)
            : Task.CompletedTask;

    public async Task CheckAsync(Principal? user, ResourceType type, JsonObject proposed, JsonObject? current, CancellationToken ct)
    {
        if (user is null || user.IsMaster || type.Group != KnownResources.RbacGroup)
        {
            return;
        }
        var name = ObjectMetaRules.Str(ObjectMetaRules.Meta(proposed), "name") ?? "";
        var ns = ObjectMetaRules.Str(ObjectMetaRules.Meta(proposed), "namespace");
        if (type == KnownResources.Roles || type == KnownResources.ClusterRoles)
        {
            await CheckRoleAsync(user, type, proposed, current, name, ns, ct);
        }
        else if (type == KnownResources.RoleBindings || type == KnownResources.ClusterRoleBindings)
        {
            await CheckBindingAsync(user, type, proposed, current, name, ns, ct);
        }
    }

    private async Task CheckRoleAsync(Principal user, ResourceType type, JsonObject proposed, JsonObject? current, string name, string? ns, CancellationToken ct)
    {
        if (current is not null && JsonNode.DeepEquals(proposed["rules"], current["rules"]) && JsonNode.DeepEquals(proposed["aggregationRule"], current["aggregationRule"]))
        {
            return;
        }
        var escalate = AuthorizationRequest.ForResource(user, "escalate", type.Group, type.Plural, null, ns, name);
        if ((await authorizer.AuthorizeAsync(escalate, null, ct)).Allowed)
        {
            return;
        }
        var rules = KubeJson.FromNode<List<PolicyRule>>(proposed["rules"] ?? new JsonArray()) ?? [];
        var held = authorizer.Policy.RulesFor(user, ns);
        ThrowIfMissing(user, type, name, RuleCoverage.Missing(held, rules));
        if (proposed["aggregationRule"] is JsonObject && RuleCoverage.Missing(held, FullAuthority).Count > 0)
        {
            throw Forbidden(type, name, "must have cluster-admin privileges to use the aggregationRule");
        }
    }

    private async Task CheckBindingAsync(Principal user, ResourceType type, JsonObject proposed, JsonObject? current, string name, string? ns, CancellationToken ct)
    {
        if (current is not null && JsonNode.DeepEquals(proposed["subjects"], current["subjects"]) && JsonNode.DeepEquals(proposed["roleRef"], current["roleRef"]))
        {
            return;
        }
        var roleRef = KubeJson.FromNode<RoleRef>(proposed["roleRef"] ?? new JsonObject()) ?? new RoleRef();
        var roleType = roleRef.Kind == "Role" ? KnownResources.Roles : KnownResources.ClusterRoles;
        var bind = AuthorizationRequest.ForResource(user, "bind", KnownResources.RbacGroup, roleType.Plural, null, ns, roleRef.Name);
        if ((await authorizer.AuthorizeAsync(bind, null, ct)).Allowed)
        {
            return;
        }
        var role = await objects.GetRequiredAsync(roleType, roleType.Namespaced ? ns : null, roleRef.Name ?? "", ct);
        var rules = KubeJson.FromNode<List<PolicyRule>>(role.Object["rules"] ?? new JsonArray()) ?? [];
        ThrowIfMissing(user, type, name, RuleCoverage.Missing(authorizer.Policy.RulesFor(user, ns), rules));
    }

    private static void ThrowIfMissing(Principal user, ResourceType type, string name, List<PolicyRule> missing)
    {
        if (missing.Count == 0)
        {
            return;
        }
        var groups = "[" + string.Join(' ', user.Groups.Select(GoValue.Quote)) + "]";
        var message = $"user \"{user.User}\" (groups={groups}) is attempting to grant RBAC permissions not currently held:\n{string.Join('\n', missing.Select(RuleCoverage.Compact))}";
        throw Forbidden(type, name, message);
    }

    private static ApiException Forbidden(ResourceType type, string name, string reason) =>
        ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: {reason}");
}
