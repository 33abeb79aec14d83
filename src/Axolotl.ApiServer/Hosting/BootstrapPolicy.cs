using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Rbac;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security.Rbac;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Hosting;

/// <summary>
/// Reconciles <see cref="BootstrapRoles"/> (cluster-wide and kube-system's) at every start, as kube-apiserver's RBAC post-start hook:
/// a missing role or binding is created; one that carries rbac.authorization.kubernetes.io/autoupdate
/// "true" gets back any rule (or subject) of the default it lacks, keeping what an administrator
/// added; autoupdate "false" leaves it alone. Aggregated roles keep the rules their controller wrote.
/// </summary>
public static partial class BootstrapPolicy
{
    public const string AutoUpdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate";

    public static async Task ReconcileAsync(ObjectStore objects, AdmissionChain admission, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        foreach (var role in BootstrapRoles.ClusterRoles)
        {
            await ReconcileAsync(objects, admission, clock, KnownResources.ClusterRoles, role, (stored, wanted) =>
            {
                var have = KubeJson.FromNode<ClusterRole>(stored)!;
                var want = (ClusterRole)wanted;
                if (want.AggregationRule is not null)
                {
                    if (have.AggregationRule is not null)
                    {
                        return null;
                    }
                    stored["aggregationRule"] = KubeJson.ToNode(want.AggregationRule);
                    return stored;
                }
                return AddMissingRules(stored, have.Rules, want.Rules);
            }, log, ct);
        }
        foreach (var binding in BootstrapRoles.ClusterRoleBindings)
        {
            await ReconcileAsync(objects, admission, clock, KnownResources.ClusterRoleBindings, binding, (stored, wanted) =>
                AddMissingSubjects(stored, KubeJson.FromNode<ClusterRoleBinding>(stored)!.Subjects, ((ClusterRoleBinding)wanted).Subjects), log, ct);
        }
        await ReconcileNamespacedAsync(objects, admission, clock, log, ct);
    }

    /// <summary>Upstream's namespaced defaults (kube-system), reconciled as the cluster-wide ones: missing rules and subjects come back.</summary>
    private static async Task ReconcileNamespacedAsync(ObjectStore objects, AdmissionChain admission, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        foreach (var role in BootstrapRoles.NamespaceRoles)
        {
            await ReconcileAsync(objects, admission, clock, KnownResources.Roles, role, (stored, wanted) =>
                AddMissingRules(stored, KubeJson.FromNode<Role>(stored)!.Rules, ((Role)wanted).Rules), log, ct);
        }
        foreach (var binding in BootstrapRoles.NamespaceRoleBindings)
        {
            await ReconcileAsync(objects, admission, clock, KnownResources.RoleBindings, binding, (stored, wanted) =>
                AddMissingSubjects(stored, KubeJson.FromNode<RoleBinding>(stored)!.Subjects, ((RoleBinding)wanted).Subjects), log, ct);
        }
    }

    private static JsonObject? AddMissingRules(JsonObject stored, List<PolicyRule>? have, List<PolicyRule>? want)
    {
        var missing = (want ?? []).Where(r => !(have ?? []).Any(h => RuleCoverage.Covers(h, r))).ToList();
        if (missing.Count == 0)
        {
            return null;
        }
        var rules = stored["rules"] as JsonArray ?? [];
        foreach (var rule in missing)
        {
            rules.Add(KubeJson.ToNode(rule));
        }
        stored["rules"] = rules;
        return stored;
    }

    private static JsonObject? AddMissingSubjects(JsonObject stored, List<Subject>? have, List<Subject>? want)
    {
        var missing = (want ?? []).Where(s => !(have ?? []).Any(h => h.Kind == s.Kind && h.Name == s.Name && h.Namespace == s.Namespace)).ToList();
        if (missing.Count == 0)
        {
            return null;
        }
        var subjects = stored["subjects"] as JsonArray ?? [];
        foreach (var subject in missing)
        {
            subjects.Add(KubeJson.ToNode(subject));
        }
        stored["subjects"] = subjects;
        return stored;
    }

    private static async Task ReconcileAsync(ObjectStore objects, AdmissionChain admission, TimeProvider clock, ResourceType type, KubeObject wanted,
        Func<JsonObject, KubeObject, JsonObject?> repair, ILogger log, CancellationToken ct)
    {
        var name = wanted.Metadata.Name!;
        wanted.ApiVersion = type.ApiVersion;
        wanted.Kind = type.Kind;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await objects.GetAsync(type, wanted.Metadata.Namespace, name, ct);
            try
            {
                if (current is null)
                {
                    var body = KubeJson.ToNode(wanted, type.ClrType);
                    ObjectMetaRules.PrepareForCreate(type, body, clock.GetUtcNow());
                    await objects.CreateAsync(type, admission.Admit(type, body, null, FieldValidationMode.Strict, []), ct);
                    LogCreated(log, type.Kind, name);
                    return;
                }
                var annotations = current.Object["metadata"]?["annotations"] as JsonObject;
                if (annotations?[AutoUpdateAnnotation]?.GetValue<string>() != "true")
                {
                    return;
                }
                var view = (JsonObject)current.Object.DeepClone();
                if (repair(view, wanted) is not { } repaired)
                {
                    return;
                }
                await objects.UpdateAsync(type, repaired, current.Revision, ct);
                LogRepaired(log, type.Kind, name);
                return;
            }
            catch (Errors.ApiException e) when (e.Code == 409)
            {
                // Written concurrently (another server sharing the store); read again.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RBAC bootstrap: created {Kind} {Name}")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "RBAC bootstrap: restored default permissions of {Kind} {Name}")]
    private static partial void LogRepaired(ILogger logger, string kind, string name);
}
