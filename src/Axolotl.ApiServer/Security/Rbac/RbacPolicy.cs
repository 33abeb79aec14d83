using Axolotl.Api.Rbac;

namespace Axolotl.ApiServer.Security.Rbac;

/// <summary>
/// An immutable snapshot of every Role, ClusterRole and binding, indexed by subject: a request looks
/// up its user, each of its groups and (for a ServiceAccount) its account in the ClusterRoleBinding
/// index and in its namespace's RoleBinding index, then matches only the rules of those bindings. The
/// cost of a request grows with the bindings that name its subject, not with all bindings.
/// Bindings whose role does not exist grant nothing (as upstream).
/// </summary>
public sealed class RbacPolicy
{
    private static readonly Dictionary<string, Grant[]> NoGrants = [];

    private readonly Dictionary<string, Grant[]> _cluster;
    private readonly Dictionary<string, Dictionary<string, Grant[]>> _byNamespace;

    private RbacPolicy(Dictionary<string, Grant[]> cluster, Dictionary<string, Dictionary<string, Grant[]>> byNamespace)
    {
        _cluster = cluster;
        _byNamespace = byNamespace;
    }

    public static RbacPolicy Empty { get; } = new([], []);

    /// <summary>The rules of one binding, with upstream's description of it for "RBAC: allowed by …" reasons.</summary>
    private sealed record Grant(IReadOnlyList<PolicyRule> Rules, string Source);

    public static RbacPolicy Build(IEnumerable<ClusterRole> clusterRoles, IEnumerable<Role> roles, IEnumerable<ClusterRoleBinding> clusterBindings, IEnumerable<RoleBinding> bindings)
    {
        var clusterRules = new Dictionary<string, IReadOnlyList<PolicyRule>>(StringComparer.Ordinal);
        foreach (var role in clusterRoles)
        {
            clusterRules[role.Metadata.Name ?? ""] = role.Rules ?? [];
        }
        var roleRules = new Dictionary<(string, string), IReadOnlyList<PolicyRule>>();
        foreach (var role in roles)
        {
            roleRules[(role.Metadata.Namespace ?? "", role.Metadata.Name ?? "")] = role.Rules ?? [];
        }
        var cluster = new Dictionary<string, List<Grant>>(StringComparer.Ordinal);
        foreach (var binding in clusterBindings)
        {
            if (binding.RoleRef is not { Kind: "ClusterRole", Name: { } roleName } || !clusterRules.TryGetValue(roleName, out var rules))
            {
                continue;
            }
            foreach (var subject in binding.Subjects ?? [])
            {
                if (SubjectKey(subject, null) is { } key)
                {
                    Add(cluster, key, new Grant(rules, $"ClusterRoleBinding \"{binding.Metadata.Name}\" of ClusterRole \"{roleName}\" to {Describe(subject, null)}"));
                }
            }
        }
        var namespaced = new Dictionary<string, Dictionary<string, List<Grant>>>(StringComparer.Ordinal);
        foreach (var binding in bindings)
        {
            var ns = binding.Metadata.Namespace ?? "";
            IReadOnlyList<PolicyRule>? rules = binding.RoleRef switch
            {
                { Kind: "ClusterRole", Name: { } n } => clusterRules.GetValueOrDefault(n),
                { Kind: "Role", Name: { } n } => roleRules.GetValueOrDefault((ns, n)),
                _ => null,
            };
            if (rules is null)
            {
                continue;
            }
            if (!namespaced.TryGetValue(ns, out var index))
            {
                namespaced[ns] = index = new Dictionary<string, List<Grant>>(StringComparer.Ordinal);
            }
            foreach (var subject in binding.Subjects ?? [])
            {
                if (SubjectKey(subject, ns) is { } key)
                {
                    Add(index, key, new Grant(rules, $"RoleBinding \"{binding.Metadata.Name}/{ns}\" of {binding.RoleRef!.Kind} \"{binding.RoleRef.Name}\" to {Describe(subject, ns)}"));
                }
            }
        }
        return new RbacPolicy(Freeze(cluster), namespaced.ToDictionary(p => p.Key, p => Freeze(p.Value), StringComparer.Ordinal));
    }

    /// <summary>Whether some binding of the request's subject allows it; the reason names that binding.</summary>
    public bool Allows(AuthorizationRequest request, out string reason)
    {
        var namespaced = request.Namespace is { } ns ? _byNamespace.GetValueOrDefault(ns) ?? NoGrants : NoGrants;
        var sa = Principal.ServiceAccountOf(request.User.User);
        foreach (var index in (ReadOnlySpan<Dictionary<string, Grant[]>>)[_cluster, namespaced])
        {
            if (index.Count == 0)
            {
                continue;
            }
            if (Match(index, UserKey(request.User.User), request, out reason))
            {
                return true;
            }
            foreach (var group in request.User.Groups)
            {
                if (Match(index, GroupKey(group), request, out reason))
                {
                    return true;
                }
            }
            if (sa is { } account && Match(index, ServiceAccountKey(account.Namespace, account.Name), request, out reason))
            {
                return true;
            }
        }
        reason = "";
        return false;
    }

    /// <summary>Every rule the principal holds in the namespace (cluster-wide ones included); null namespace: cluster-wide only.</summary>
    public List<PolicyRule> RulesFor(Principal principal, string? ns)
    {
        var rules = new List<PolicyRule>();
        var namespaced = ns is not null ? _byNamespace.GetValueOrDefault(ns) ?? NoGrants : NoGrants;
        var keys = new List<string> { UserKey(principal.User) };
        keys.AddRange(principal.Groups.Select(GroupKey));
        if (Principal.ServiceAccountOf(principal.User) is { } account)
        {
            keys.Add(ServiceAccountKey(account.Namespace, account.Name));
        }
        var seen = new HashSet<IReadOnlyList<PolicyRule>>(ReferenceEqualityComparer.Instance);
        foreach (var index in new[] { _cluster, namespaced })
        {
            foreach (var key in keys)
            {
                foreach (var grant in index.GetValueOrDefault(key) ?? [])
                {
                    // The same role bound twice (to the user and to a group) is listed once.
                    if (seen.Add(grant.Rules))
                    {
                        rules.AddRange(grant.Rules);
                    }
                }
            }
        }
        return rules;
    }

    private static bool Match(Dictionary<string, Grant[]> index, string key, AuthorizationRequest request, out string reason)
    {
        if (index.TryGetValue(key, out var grants))
        {
            foreach (var grant in grants)
            {
                foreach (var rule in grant.Rules)
                {
                    if (RuleMatching.Allows(rule, request))
                    {
                        reason = "RBAC: allowed by " + grant.Source;
                        return true;
                    }
                }
            }
        }
        reason = "";
        return false;
    }

    private static string UserKey(string name) => "u\0" + name;

    private static string GroupKey(string name) => "g\0" + name;

    private static string ServiceAccountKey(string ns, string name) => $"s\0{ns}\0{name}";

    /// <summary>A ServiceAccount subject of a RoleBinding without a namespace is the binding's namespace's (upstream's appliesToUser).</summary>
    private static string? SubjectKey(Subject subject, string? bindingNamespace) => subject switch
    {
        { Kind: Subject.UserKind, Name: { Length: > 0 } n } => UserKey(n),
        { Kind: Subject.GroupKind, Name: { Length: > 0 } n } => GroupKey(n),
        { Kind: Subject.ServiceAccountKind, Name: { Length: > 0 } n } when (string.IsNullOrEmpty(subject.Namespace) ? bindingNamespace : subject.Namespace) is { Length: > 0 } ns
            => ServiceAccountKey(ns, n),
        _ => null,
    };

    private static string Describe(Subject subject, string? bindingNamespace) => subject.Kind == Subject.ServiceAccountKind
        ? $"{subject.Kind} \"{subject.Name}/{(string.IsNullOrEmpty(subject.Namespace) ? bindingNamespace : subject.Namespace)}\""
        : $"{subject.Kind} \"{subject.Name}\"";

    private static void Add(Dictionary<string, List<Grant>> index, string key, Grant grant)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        list.Add(grant);
    }

    private static Dictionary<string, Grant[]> Freeze(Dictionary<string, List<Grant>> index) =>
        index.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
}
