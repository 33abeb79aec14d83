using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.Security;

public sealed class NodeAuthorizerTests
{
    private static readonly Principal NodeA = Principal.Node("node-a");

    private static async Task<NodeAuthorizer> AuthorizerWithPodsAsync()
    {
        var objects = new ObjectStore(new InMemoryStore());
        foreach (var (name, node, secret) in new[] { ("mine", "node-a", "mounted"), ("theirs", "node-b", "elsewhere") })
        {
            var pod = JsonNode.Parse($$$"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"apps"},
                 "spec":{"nodeName":"{{{node}}}","containers":[{"name":"c","image":"busybox"}],"volumes":[{"name":"s","secret":{"secretName":"{{{secret}}}"}}]}}
                """)!.AsObject();
            await objects.CreateAsync(KnownResources.Pods, pod, CancellationToken.None);
        }
        return new NodeAuthorizer(new NodeGraph(objects));
    }

    private static NodeAuthorizer.Attributes Request(string verb, string resource, string? ns, string? name, string? sub = null, string? fieldSelector = null) =>
        new(verb, new RequestInfo("", "v1", resource, ns, name, sub), "/api/v1/...", fieldSelector);

    [Fact]
    public async Task A_node_reads_a_secret_only_when_a_pod_bound_to_it_mounts_it()
    {
        var authorizer = await AuthorizerWithPodsAsync();

        Assert.Null(await authorizer.AuthorizeAsync(NodeA, Request("get", "secrets", "apps", "mounted"), CancellationToken.None));
        var denied = await authorizer.AuthorizeAsync(NodeA, Request("get", "secrets", "apps", "elsewhere"), CancellationToken.None);

        Assert.Equal(403, denied!.Code);
        Assert.Equal("secrets \"elsewhere\" is forbidden: User \"system:node:node-a\" cannot get resource \"secrets\" in API group \"\" in the namespace \"apps\": " +
            "no relationship found between node 'node-a' and this object", denied.Message);
    }

    [Fact]
    public async Task Secrets_are_listed_or_watched_only_one_at_a_time_by_name()
    {
        var authorizer = await AuthorizerWithPodsAsync();

        Assert.Null(await authorizer.AuthorizeAsync(NodeA, Request("watch", "secrets", "apps", null, fieldSelector: "metadata.name=mounted"), CancellationToken.None));
        Assert.NotNull(await authorizer.AuthorizeAsync(NodeA, Request("list", "secrets", "apps", null), CancellationToken.None));
        Assert.NotNull(await authorizer.AuthorizeAsync(NodeA, Request("list", "secrets", null, null), CancellationToken.None));
        Assert.NotNull(await authorizer.AuthorizeAsync(NodeA, Request("list", "secrets", "apps", null, fieldSelector: "metadata.name!=x"), CancellationToken.None));
        Assert.NotNull(await authorizer.AuthorizeAsync(NodeA, Request("watch", "secrets", "apps", null, fieldSelector: "metadata.name=elsewhere"), CancellationToken.None));
    }

    [Theory]
    [InlineData("get", "pods", null, true)]
    [InlineData("list", "services", null, true)]
    [InlineData("patch", "pods", "status", true)]
    [InlineData("update", "pods", null, false)]
    [InlineData("create", "secrets", null, false)]
    [InlineData("delete", "configmaps", null, false)]
    // Axolotl: nodes read PersistentVolumes (the agent mounts them and reclaims local-path directories, ADR 0008), never write them.
    [InlineData("get", "persistentvolumes", null, true)]
    [InlineData("watch", "persistentvolumes", null, true)]
    [InlineData("update", "persistentvolumes", null, false)]
    [InlineData("delete", "persistentvolumes", null, false)]
    public async Task Path_level_rules_stay_for_everything_else(string verb, string resource, string? sub, bool allowed)
    {
        var authorizer = await AuthorizerWithPodsAsync();

        var decision = await authorizer.AuthorizeAsync(NodeA, Request(verb, resource, resource == "persistentvolumes" ? null : "apps", "x", sub), CancellationToken.None);

        Assert.Equal(allowed, decision is null);
    }

    [Fact]
    public void A_join_token_may_only_ask_for_and_read_certificate_signing_requests()
    {
        var bootstrap = Principal.Bootstrap("abcdef");
        var csrs = new NodeAuthorizer.Attributes("create", RequestInfo.Parse("certificates.k8s.io", "v1", ["certificatesigningrequests"]), "/apis/certificates.k8s.io/v1/certificatesigningrequests");

        Assert.Null(BootstrapAuthorizer.Authorize(bootstrap, csrs));
        Assert.Null(BootstrapAuthorizer.Authorize(bootstrap, csrs with { Verb = "get" }));
        Assert.Null(BootstrapAuthorizer.Authorize(bootstrap, new NodeAuthorizer.Attributes("get", null, "/apis")));
        Assert.Equal("certificatesigningrequests.certificates.k8s.io is forbidden: User \"system:bootstrap:abcdef\" cannot delete resource \"certificatesigningrequests\" in API group \"certificates.k8s.io\" at the cluster scope",
            BootstrapAuthorizer.Authorize(bootstrap, csrs with { Verb = "delete" })?.Message);
        var secret = BootstrapAuthorizer.Authorize(bootstrap, Request("get", "secrets", "apps", "mounted"));
        Assert.Equal(403, secret?.Code);
        Assert.Equal("secrets \"mounted\" is forbidden: User \"system:bootstrap:abcdef\" cannot get resource \"secrets\" in API group \"\" in the namespace \"apps\"", secret?.Message);
        Assert.NotNull(BootstrapAuthorizer.Authorize(bootstrap, Request("create", "nodes", null, null)));
    }
}
