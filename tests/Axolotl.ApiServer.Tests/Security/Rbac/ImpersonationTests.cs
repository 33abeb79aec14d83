using Axolotl.Api.Rbac;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;
using Axolotl.Storage.Memory;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Tests.Security.Rbac;

public sealed class ImpersonationTests
{
    private static readonly Principal Erin = new("erin", ["system:authenticated"], null);

    private static Authorizer AuthorizerWith(params PolicyRule[] erinsRules)
    {
        var policy = RbacPolicy.Build(
            [new ClusterRole { Metadata = new() { Name = "imp" }, Rules = [.. erinsRules] }], [],
            [new ClusterRoleBinding
            {
                Metadata = new() { Name = "imp" },
                RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "imp" },
                Subjects = [new() { Kind = "User", ApiGroup = "rbac.authorization.k8s.io", Name = "erin" }],
            }], []);
        return new Authorizer(new NodeAuthorizer(new NodeGraph(new ObjectStore(new InMemoryStore()))), () => policy);
    }

    private static PolicyRule Impersonate(string group, string resource, params string[] names) =>
        new() { Verbs = ["impersonate"], ApiGroups = [group], Resources = [resource], ResourceNames = names.Length == 0 ? null : [.. names] };

    private static HeaderDictionary Headers(params (string Key, string[] Values)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (key, values) in headers)
        {
            dictionary[key] = values;
        }
        return dictionary;
    }

    [Fact]
    public async Task Impersonating_a_user_needs_impersonate_on_that_user_and_adds_system_authenticated()
    {
        var authorizer = AuthorizerWith(Impersonate("", "users", "frank"));

        var frank = await Impersonation.ImpersonateAsync(Headers(("Impersonate-User", ["frank"])), Erin, authorizer, CancellationToken.None);
        var denied = await Assert.ThrowsAsync<ApiException>(() => Impersonation.ImpersonateAsync(Headers(("Impersonate-User", ["grace"])), Erin, authorizer, CancellationToken.None));

        Assert.Equal("frank", frank.User);
        Assert.Equal(["system:authenticated"], frank.Groups);
        Assert.Equal(403, denied.Code);
        Assert.Equal("users \"grace\" is forbidden: User \"erin\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", denied.Message);
    }

    [Fact]
    public async Task Every_group_extra_and_uid_is_authorized_separately()
    {
        var authorizer = AuthorizerWith(Impersonate("", "users"), Impersonate("", "groups", "auditors"),
            Impersonate("authentication.k8s.io", "userextras/scopes", "read"), Impersonate("authentication.k8s.io", "uids", "42"));

        var ok = await Impersonation.ImpersonateAsync(
            Headers(("Impersonate-User", ["frank"]), ("Impersonate-Group", ["auditors"]), ("Impersonate-Extra-Scopes", ["read"]), ("Impersonate-Uid", ["42"])),
            Erin, authorizer, CancellationToken.None);
        var masters = await Assert.ThrowsAsync<ApiException>(() => Impersonation.ImpersonateAsync(
            Headers(("Impersonate-User", ["frank"]), ("Impersonate-Group", ["auditors", "system:masters"])), Erin, authorizer, CancellationToken.None));
        var extra = await Assert.ThrowsAsync<ApiException>(() => Impersonation.ImpersonateAsync(
            Headers(("Impersonate-User", ["frank"]), ("Impersonate-Extra-Scopes", ["write"])), Erin, authorizer, CancellationToken.None));

        Assert.Equal(["auditors", "system:authenticated"], ok.Groups);
        Assert.Equal("42", ok.Uid);
        Assert.Equal(["read"], ok.Extra!["scopes"]);
        Assert.StartsWith("groups \"system:masters\" is forbidden: User \"erin\" cannot impersonate resource \"groups\"", masters.Message);
        Assert.StartsWith("userextras.authentication.k8s.io \"write\" is forbidden: User \"erin\" cannot impersonate resource \"userextras/scopes\" in API group \"authentication.k8s.io\"", extra.Message);
    }

    [Fact]
    public async Task A_service_account_is_impersonated_through_serviceaccounts_in_its_namespace_with_its_groups()
    {
        var authorizer = AuthorizerWith(Impersonate("", "serviceaccounts", "robot"));

        var robot = await Impersonation.ImpersonateAsync(Headers(("Impersonate-User", ["system:serviceaccount:apps:robot"])), Erin, authorizer, CancellationToken.None);

        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated"], robot.Groups);
    }

    [Fact]
    public async Task Groups_without_a_user_are_a_bad_request_and_a_node_name_becomes_a_node()
    {
        var authorizer = AuthorizerWith(Impersonate("", "users"), Impersonate("", "groups"));

        var bad = await Assert.ThrowsAsync<ApiException>(() => Impersonation.ImpersonateAsync(Headers(("Impersonate-Group", ["g"])), Erin, authorizer, CancellationToken.None));
        var node = await Impersonation.ImpersonateAsync(Headers(("Impersonate-User", ["system:node:n1"]), ("Impersonate-Group", ["system:nodes"])), Erin, authorizer, CancellationToken.None);

        Assert.Equal(400, bad.Code);
        Assert.Equal("n1", node.NodeName);
    }
}
