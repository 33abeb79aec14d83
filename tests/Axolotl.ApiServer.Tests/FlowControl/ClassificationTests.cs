using Axolotl.Api.FlowControl;
using Axolotl.ApiServer.FlowControl;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.FlowControl;

/// <summary>The bootstrap FlowSchemas sort requests as kube-apiserver 1.32's do.</summary>
public sealed class ClassificationTests
{
    private static readonly string[] Authenticated = ["system:authenticated"];

    private static FlowControlConfiguration Bootstrap()
    {
        var cache = new FlowControlConfigCache(null!, 600, new FakeTimeProvider(), NullLogger<FlowControlConfigCache>.Instance);
        cache.Load(FlowControlBootstrap.MandatoryFlowSchemas.Concat(FlowControlBootstrap.SuggestedFlowSchemas),
            FlowControlBootstrap.MandatoryPriorityLevels.Concat(FlowControlBootstrap.SuggestedPriorityLevels));
        return cache.Current;
    }

    [Theory]
    [InlineData("axolotl-admin", "system:masters,system:authenticated", "delete", "", "pods", "default", "exempt", "exempt")]
    [InlineData("system:anonymous", "system:unauthenticated", "get", "", "/readyz", "", "probes", "exempt")]
    [InlineData("system:node:n1", "system:nodes,system:authenticated", "update", "coordination.k8s.io", "leases", "kube-node-lease", "system-node-high", "node-high")]
    [InlineData("system:node:n1", "system:nodes,system:authenticated", "patch", "", "nodes/status", "", "system-node-high", "node-high")]
    [InlineData("system:node:n1", "system:nodes,system:authenticated", "get", "", "secrets", "default", "system-nodes", "system")]
    [InlineData("system:kube-controller-manager", "system:authenticated", "update", "coordination.k8s.io", "leases", "kube-system", "system-leader-election", "leader-election")]
    [InlineData("system:kube-controller-manager", "system:authenticated", "update", "", "endpoints", "default", "endpoint-controller", "workload-high")]
    [InlineData("system:kube-controller-manager", "system:authenticated", "list", "apps", "deployments", "", "kube-controller-manager", "workload-high")]
    [InlineData("system:serviceaccount:kube-system:job-controller", "system:serviceaccounts,system:authenticated", "get", "", "configmaps", "kube-system", "workload-leader-election", "leader-election")]
    [InlineData("system:serviceaccount:kube-system:job-controller", "system:serviceaccounts,system:authenticated", "list", "batch", "jobs", "", "kube-system-service-accounts", "workload-high")]
    [InlineData("system:serviceaccount:shop:web", "system:serviceaccounts,system:authenticated", "list", "", "pods", "shop", "service-accounts", "workload-low")]
    [InlineData("alice", "system:authenticated", "get", "", "pods", "shop", "global-default", "global-default")]
    [InlineData("alice", "system:authenticated", "get", "", "/apis", "", "global-default", "global-default")]
    public void Requests_go_to_the_first_matching_schema_by_precedence(string user, string groups, string verb, string apiGroup, string resource, string ns, string schema, string level)
    {
        var request = resource.StartsWith('/')
            ? RequestDigest.ForPath(user, groups.Split(','), verb, resource)
            : RequestDigest.ForResource(user, groups.Split(','), verb, apiGroup, resource, ns);

        var classification = Bootstrap().Classify(request)!;

        Assert.Equal((schema, level), (classification.FlowSchema, classification.Level.Name));
    }

    [Fact]
    public void Without_the_suggested_objects_everyone_but_masters_falls_to_catch_all()
    {
        var cache = new FlowControlConfigCache(null!, 600, new FakeTimeProvider(), NullLogger<FlowControlConfigCache>.Instance);
        cache.Load(FlowControlBootstrap.MandatoryFlowSchemas, FlowControlBootstrap.MandatoryPriorityLevels);

        Assert.Equal("catch-all", cache.Current.Classify(RequestDigest.ForResource("alice", Authenticated, "get", "", "pods", "a"))!.FlowSchema);
        Assert.Equal("exempt", cache.Current.Classify(RequestDigest.ForResource("root", ["system:masters"], "get", "", "pods", "a"))!.FlowSchema);
    }

    [Fact]
    public void A_schema_whose_level_is_missing_is_dangling_and_skipped()
    {
        var mine = Schema("mine", 50, "nowhere", new Subject { Kind = Subject.KindUser, User = new() { Name = "alice" } });
        var cache = new FlowControlConfigCache(null!, 600, new FakeTimeProvider(), NullLogger<FlowControlConfigCache>.Instance);
        cache.Load([.. FlowControlBootstrap.MandatoryFlowSchemas, mine], FlowControlBootstrap.MandatoryPriorityLevels);

        Assert.True(cache.Current.IsDangling(mine));
        Assert.Equal("catch-all", cache.Current.Classify(RequestDigest.ForResource("alice", Authenticated, "get", "", "pods", "a"))!.FlowSchema);
    }

    [Fact]
    public void Resource_rules_match_namespaces_cluster_scope_and_subresources_as_written()
    {
        var rule = new ResourcePolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["pods/log"], Namespaces = ["shop"] };

        Assert.True(FlowSchemaMatcher.ResourceRuleMatches(rule, RequestDigest.ForResource("a", [], "get", "", "pods/log", "shop")));
        Assert.False(FlowSchemaMatcher.ResourceRuleMatches(rule, RequestDigest.ForResource("a", [], "get", "", "pods", "shop")));
        Assert.False(FlowSchemaMatcher.ResourceRuleMatches(rule, RequestDigest.ForResource("a", [], "get", "", "pods/log", "other")));
        Assert.False(FlowSchemaMatcher.ResourceRuleMatches(rule, RequestDigest.ForResource("a", [], "list", "", "pods/log", "shop")));
        Assert.False(FlowSchemaMatcher.ResourceRuleMatches(rule, RequestDigest.ForResource("a", [], "get", "", "pods/log")));
        var cluster = new ResourcePolicyRule { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"], ClusterScope = true };
        Assert.True(FlowSchemaMatcher.ResourceRuleMatches(cluster, RequestDigest.ForResource("a", [], "list", "", "nodes")));
        Assert.False(FlowSchemaMatcher.ResourceRuleMatches(cluster, RequestDigest.ForResource("a", [], "list", "", "pods", "shop")));
    }

    [Fact]
    public void Non_resource_urls_match_exactly_or_by_a_trailing_star()
    {
        var rule = new NonResourcePolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz", "/apis/*"] };

        Assert.True(FlowSchemaMatcher.NonResourceRuleMatches(rule, RequestDigest.ForPath("a", [], "get", "/healthz")));
        Assert.True(FlowSchemaMatcher.NonResourceRuleMatches(rule, RequestDigest.ForPath("a", [], "get", "/apis/apps/v1")));
        Assert.False(FlowSchemaMatcher.NonResourceRuleMatches(rule, RequestDigest.ForPath("a", [], "get", "/healthz/etcd")));
        Assert.False(FlowSchemaMatcher.NonResourceRuleMatches(rule, RequestDigest.ForPath("a", [], "post", "/healthz")));
    }

    [Fact]
    public void Flows_are_told_apart_by_user_or_namespace_as_the_schema_says()
    {
        var config = Bootstrap();
        var alice = config.Classify(RequestDigest.ForResource("alice", Authenticated, "get", "", "pods", "a"))!;
        var bob = config.Classify(RequestDigest.ForResource("bob", Authenticated, "get", "", "pods", "a"))!;
        var aliceElsewhere = config.Classify(RequestDigest.ForResource("alice", Authenticated, "get", "", "pods", "b"))!;

        Assert.NotEqual(alice.FlowHash, bob.FlowHash);
        Assert.Equal(alice.FlowHash, aliceElsewhere.FlowHash);
    }

    private static FlowSchema Schema(string name, int precedence, string level, Subject subject) => new()
    {
        Metadata = new() { Name = name },
        Spec = new()
        {
            MatchingPrecedence = precedence,
            PriorityLevelConfiguration = new() { Name = level },
            Rules = [new() { Subjects = [subject], ResourceRules = [new() { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"], Namespaces = ["*"] }] }],
        },
    };
}
