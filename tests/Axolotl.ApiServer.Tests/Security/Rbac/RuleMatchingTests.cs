using Axolotl.Api.Rbac;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.Tests.Security.Rbac;

public sealed class RuleMatchingTests
{
    private static readonly Principal Alice = new("alice", ["system:authenticated"], null);

    private static AuthorizationRequest Res(string verb, string group, string resource, string? sub = null, string? name = null) =>
        AuthorizationRequest.ForResource(Alice, verb, group, resource, sub, "default", name);

    private static PolicyRule Rule(string[] verbs, string[] groups, string[] resources, string[]? names = null) =>
        new() { Verbs = [.. verbs], ApiGroups = [.. groups], Resources = [.. resources], ResourceNames = names is null ? null : [.. names] };

    [Theory]
    [InlineData("get", "", "pods", null, null, true)]
    [InlineData("list", "", "pods", null, null, true)]
    [InlineData("delete", "", "pods", null, null, false)]
    [InlineData("get", "apps", "pods", null, null, false)]
    [InlineData("get", "", "pods", "log", null, false)]
    [InlineData("get", "", "services", null, null, false)]
    public void A_plain_rule_matches_its_verbs_group_and_resource_only(string verb, string group, string resource, string? sub, string? name, bool allowed)
    {
        var rule = Rule(["get", "list"], [""], ["pods"]);

        Assert.Equal(allowed, RuleMatching.Allows(rule, Res(verb, group, resource, sub, name)));
    }

    [Fact]
    public void Stars_match_every_verb_group_and_resource_including_subresources()
    {
        var rule = Rule(["*"], ["*"], ["*"]);

        Assert.True(RuleMatching.Allows(rule, Res("escalate", "rbac.authorization.k8s.io", "roles")));
        Assert.True(RuleMatching.Allows(rule, Res("create", "", "pods", "exec", "web")));
    }

    [Fact]
    public void Subresources_match_as_resource_slash_sub_or_star_slash_sub()
    {
        Assert.True(RuleMatching.Allows(Rule(["get"], [""], ["pods/log"]), Res("get", "", "pods", "log")));
        Assert.False(RuleMatching.Allows(Rule(["get"], [""], ["pods/log"]), Res("get", "", "pods")));
        Assert.False(RuleMatching.Allows(Rule(["get"], [""], ["pods/log"]), Res("get", "", "pods", "exec")));
        Assert.True(RuleMatching.Allows(Rule(["update"], ["*"], ["*/status"]), Res("update", "apps", "deployments", "status")));
        Assert.False(RuleMatching.Allows(Rule(["update"], ["*"], ["*/status"]), Res("update", "apps", "deployments")));
        Assert.False(RuleMatching.Allows(Rule(["get"], [""], ["pods"]), Res("get", "", "pods", "status")));
    }

    [Fact]
    public void Resource_names_restrict_to_named_objects_and_never_match_a_list()
    {
        var rule = Rule(["get"], [""], ["configmaps"], ["settings"]);

        Assert.True(RuleMatching.Allows(rule, Res("get", "", "configmaps", name: "settings")));
        Assert.False(RuleMatching.Allows(rule, Res("get", "", "configmaps", name: "other")));
        Assert.False(RuleMatching.Allows(rule, Res("get", "", "configmaps")));
    }

    [Theory]
    [InlineData("/healthz", "/healthz", true)]
    [InlineData("/healthz", "/healthz/etcd", false)]
    [InlineData("/apis/*", "/apis/apps/v1", true)]
    [InlineData("/apis/*", "/apis", false)]
    [InlineData("/api*", "/apis", true)]
    [InlineData("*", "/anything", true)]
    public void Non_resource_urls_match_exactly_or_by_a_trailing_star(string url, string path, bool allowed)
    {
        var rule = new PolicyRule { Verbs = ["get"], NonResourceUrls = [url] };

        Assert.Equal(allowed, RuleMatching.Allows(rule, AuthorizationRequest.ForPath(Alice, "get", path)));
        Assert.False(RuleMatching.Allows(rule, AuthorizationRequest.ForPath(Alice, "post", path)));
    }

    [Fact]
    public void A_resource_rule_never_allows_a_path_and_a_url_rule_never_allows_a_resource()
    {
        Assert.False(RuleMatching.Allows(Rule(["*"], ["*"], ["*"]), AuthorizationRequest.ForPath(Alice, "get", "/healthz")));
        Assert.False(RuleMatching.Allows(new PolicyRule { Verbs = ["*"], NonResourceUrls = ["*"] }, Res("get", "", "pods")));
    }
}
