using Axolotl.Api.Rbac;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.Tests.Security.Rbac;

public sealed class RbacPolicyTests
{
    private static readonly Principal Alice = new("alice", ["devs", "system:authenticated"], null);
    private static readonly Principal Robot = new("system:serviceaccount:apps:robot", ["system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated"], null);

    private static ClusterRole ClusterRole(string name, params PolicyRule[] rules) => new() { Metadata = new() { Name = name }, Rules = [.. rules] };

    private static Role Role(string ns, string name, params PolicyRule[] rules) => new() { Metadata = new() { Name = name, Namespace = ns }, Rules = [.. rules] };

    private static PolicyRule Read(params string[] resources) => new() { Verbs = ["get", "list"], ApiGroups = [""], Resources = [.. resources] };

    private static Subject User(string name) => new() { Kind = Subject.UserKind, ApiGroup = "rbac.authorization.k8s.io", Name = name };

    private static Subject Group(string name) => new() { Kind = Subject.GroupKind, ApiGroup = "rbac.authorization.k8s.io", Name = name };

    private static Subject Account(string? ns, string name) => new() { Kind = Subject.ServiceAccountKind, Namespace = ns, Name = name };

    private static RoleBinding Binding(string ns, string name, string kind, string role, params Subject[] subjects) =>
        new() { Metadata = new() { Name = name, Namespace = ns }, RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = kind, Name = role }, Subjects = [.. subjects] };

    private static ClusterRoleBinding ClusterBinding(string name, string role, params Subject[] subjects) =>
        new() { Metadata = new() { Name = name }, RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role }, Subjects = [.. subjects] };

    private static bool Allows(RbacPolicy policy, Principal who, string verb, string resource, string? ns) =>
        policy.Allows(AuthorizationRequest.ForResource(who, verb, "", resource, null, ns, null), out _);

    [Fact]
    public void A_RoleBinding_grants_its_Role_in_its_namespace_only()
    {
        var policy = RbacPolicy.Build([], [Role("apps", "reader", Read("pods"))], [], [Binding("apps", "alice-reads", "Role", "reader", User("alice"))]);

        Assert.True(Allows(policy, Alice, "list", "pods", "apps"));
        Assert.False(Allows(policy, Alice, "list", "pods", "other"));
        Assert.False(Allows(policy, Alice, "list", "pods", null));
        Assert.False(Allows(policy, Alice, "delete", "pods", "apps"));
    }

    [Fact]
    public void A_RoleBinding_to_a_ClusterRole_grants_it_in_the_binding_namespace_and_a_ClusterRoleBinding_everywhere()
    {
        var roles = new[] { ClusterRole("view", Read("pods", "services")) };
        var namespaced = RbacPolicy.Build(roles, [], [], [Binding("apps", "b", "ClusterRole", "view", Group("devs"))]);
        var everywhere = RbacPolicy.Build(roles, [], [ClusterBinding("b", "view", Group("devs"))], []);

        Assert.True(Allows(namespaced, Alice, "get", "services", "apps"));
        Assert.False(Allows(namespaced, Alice, "get", "services", "kube-system"));
        Assert.True(Allows(everywhere, Alice, "get", "services", "kube-system"));
        Assert.True(Allows(everywhere, Alice, "list", "pods", null));
    }

    [Fact]
    public void ServiceAccount_subjects_match_the_account_user_name_with_the_binding_namespace_as_default()
    {
        var policy = RbacPolicy.Build([ClusterRole("view", Read("pods"))], [], [],
        [
            Binding("apps", "implicit", "ClusterRole", "view", Account(null, "robot")),
            Binding("web", "explicit", "ClusterRole", "view", Account("apps", "robot")),
            Binding("db", "other-account", "ClusterRole", "view", Account("db", "robot")),
        ]);

        Assert.True(Allows(policy, Robot, "list", "pods", "apps"));
        Assert.True(Allows(policy, Robot, "list", "pods", "web"));
        Assert.False(Allows(policy, Robot, "list", "pods", "db"));
        // A user merely named like an account gets nothing from an account subject it is not.
        Assert.False(Allows(policy, Alice, "list", "pods", "apps"));
    }

    [Fact]
    public void A_binding_to_a_missing_role_grants_nothing_and_the_reason_names_the_granting_binding()
    {
        var policy = RbacPolicy.Build([ClusterRole("view", Read("pods"))], [], [ClusterBinding("ghost", "does-not-exist", User("alice")), ClusterBinding("viewers", "view", Group("devs"))], []);

        Assert.False(Allows(policy, Alice, "get", "services", null));
        Assert.True(policy.Allows(AuthorizationRequest.ForResource(Alice, "get", "", "pods", null, "x", null), out var reason));
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"viewers\" of ClusterRole \"view\" to Group \"devs\"", reason);
    }

    [Fact]
    public void Rules_for_a_user_list_cluster_and_namespace_grants_once_each()
    {
        var view = ClusterRole("view", Read("pods"));
        var policy = RbacPolicy.Build([view], [Role("apps", "cm", Read("configmaps"))],
            [ClusterBinding("a", "view", User("alice")), ClusterBinding("b", "view", Group("devs"))],
            [Binding("apps", "c", "Role", "cm", User("alice"))]);

        Assert.Equal(2, policy.RulesFor(Alice, "apps").Count);
        Assert.Single(policy.RulesFor(Alice, "other"));
    }

    [Fact]
    public void Among_many_bindings_only_the_subject_own_ones_are_consulted()
    {
        var bindings = Enumerable.Range(0, 5000).Select(i => Binding("apps", $"b{i}", "ClusterRole", "view", User($"user-{i}"))).ToList();
        var policy = RbacPolicy.Build([ClusterRole("view", Read("pods"))], [], [], bindings);

        Assert.True(Allows(policy, new Principal("user-4999", ["system:authenticated"], null), "get", "pods", "apps"));
        Assert.False(Allows(policy, new Principal("user-5000", ["system:authenticated"], null), "get", "pods", "apps"));
    }
}
