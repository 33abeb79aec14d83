using Axolotl.Api.AdmissionRegistration;
using Axolotl.ApiServer.Admission.Matching;

namespace Axolotl.ApiServer.Tests.Admission.Matching;

public sealed class RuleMatcherTests
{
    private static RequestFacts Request(string resource, string subresource = "", string ns = "apps", string operation = "CREATE", string group = "") =>
        new(operation, group, "v1", resource, subresource, ns, null, null);

    private static RuleWithOperations Rule(string resources, string operations = "CREATE", string groups = "", string scope = "*") => new()
    {
        Operations = [.. operations.Split(',')],
        ApiGroups = [.. groups.Split(',')],
        ApiVersions = ["v1"],
        Resources = [.. resources.Split(',')],
        Scope = scope,
    };

    [Theory]
    [InlineData("pods", "pods", "", true)]
    [InlineData("pods", "pods", "status", false)]
    [InlineData("pods/status", "pods", "status", true)]
    [InlineData("pods/status", "pods", "", false)]
    [InlineData("*", "configmaps", "", true)]
    [InlineData("*", "pods", "status", false)]
    [InlineData("*/*", "pods", "status", true)]
    [InlineData("pods/*", "pods", "ephemeralcontainers", true)]
    [InlineData("*/status", "deployments", "status", true)]
    [InlineData("*/status", "deployments", "scale", false)]
    [InlineData("secrets,configmaps", "configmaps", "", true)]
    public void Resources_match_as_upstreams_resource_and_subresource_wildcards(string resources, string resource, string subresource, bool matches)
    {
        Assert.Equal(matches, RuleMatcher.Matches(Rule(resources), Request(resource, subresource)));
    }

    [Fact]
    public void Operation_and_group_must_match_or_be_a_wildcard()
    {
        Assert.False(RuleMatcher.Matches(Rule("pods", "UPDATE"), Request("pods")));
        Assert.True(RuleMatcher.Matches(Rule("pods", "*"), Request("pods", operation: "DELETE")));
        Assert.False(RuleMatcher.Matches(Rule("deployments", groups: ""), Request("deployments", group: "apps")));
        Assert.True(RuleMatcher.Matches(Rule("deployments", groups: "*"), Request("deployments", group: "apps")));
    }

    [Fact]
    public void Scope_namespaced_leaves_out_namespaces_and_cluster_scoped_objects()
    {
        Assert.True(RuleMatcher.Matches(Rule("*", scope: "Namespaced"), Request("configmaps")));
        Assert.False(RuleMatcher.Matches(Rule("*", scope: "Namespaced"), Request("nodes", ns: "")));
        // A Namespace's own requests carry its name as their namespace, yet it is cluster-scoped.
        Assert.False(RuleMatcher.Matches(Rule("*", scope: "Namespaced"), Request("namespaces", ns: "team")));
        Assert.True(RuleMatcher.Matches(Rule("*", scope: "Cluster"), Request("namespaces", ns: "team")));
        Assert.False(RuleMatcher.Matches(Rule("*", scope: "Cluster"), Request("configmaps")));
    }

    [Fact]
    public void A_policy_rule_with_resource_names_covers_only_those_objects()
    {
        var rule = new NamedRuleWithOperations
        {
            Operations = ["CREATE"],
            ApiGroups = [""],
            ApiVersions = ["v1"],
            Resources = ["configmaps"],
            Scope = "*",
            ResourceNames = ["settings"],
        };

        Assert.True(RuleMatcher.Matches(rule, Request("configmaps") with { Name = "settings" }));
        Assert.False(RuleMatcher.Matches(rule, Request("configmaps") with { Name = "other" }));
        // A create whose name the server generates has none to match.
        Assert.False(RuleMatcher.Matches(rule, Request("configmaps")));
    }
}
