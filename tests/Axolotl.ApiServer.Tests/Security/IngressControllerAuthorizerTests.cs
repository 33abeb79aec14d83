using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.Security;

/// <summary>
/// A joined node's edge controllers read a Secret only while an Ingress or Gateway of ours names it, one by name, and
/// nothing once their node is gone; everything else is RBAC's (no opinion here).
/// </summary>
public sealed class IngressControllerAuthorizerTests
{
    private static readonly Principal EdgeA = Principal.FromUser("system:axolotl-ingress-controller:node-a", ["system:axolotl-ingress-controllers", "system:authenticated"]);

    private static readonly ResourceType GatewayClasses = Custom("gatewayclasses", "GatewayClass", false);
    private static readonly ResourceType Gateways = Custom("gateways", "Gateway", true);
    private static readonly ResourceType ReferenceGrants = Custom("referencegrants", "ReferenceGrant", true);

    private static ResourceType Custom(string plural, string kind, bool namespaced) => KnownResources.Secrets with
    {
        Group = "gateway.networking.k8s.io",
        Version = "v1",
        Kind = kind,
        Plural = plural,
        Namespaced = namespaced,
        StorageResource = $"gateway.networking.k8s.io/{plural}",
    };

    private static async Task<(IngressControllerAuthorizer Authorizer, ObjectStore Objects)> ClusterAsync()
    {
        var objects = new ObjectStore(new InMemoryStore());
        async Task Create(ResourceType type, string json) => await objects.CreateAsync(type, JsonNode.Parse(json)!.AsObject(), CancellationToken.None);
        await Create(KnownResources.Nodes, """{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a"}}""");
        await Create(KnownResources.IngressClasses, """
            {"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"axolotl","annotations":{"ingressclass.kubernetes.io/is-default-class":"true"}},
             "spec":{"controller":"axolotl.io/ingress-controller"}}
            """);
        await Create(KnownResources.IngressClasses, """{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},"spec":{"controller":"k8s.io/ingress-nginx"}}""");
        await Create(KnownResources.Ingresses, """
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"site","namespace":"web"},
             "spec":{"tls":[{"hosts":["site.example"],"secretName":"site-tls"}],"defaultBackend":{"service":{"name":"site","port":{"number":80}}}}}
            """);
        await Create(KnownResources.Ingresses, """
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"theirs","namespace":"web"},
             "spec":{"ingressClassName":"nginx","tls":[{"secretName":"nginx-tls"}],"defaultBackend":{"service":{"name":"site","port":{"number":80}}}}}
            """);
        await Create(GatewayClasses, """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"axolotl"},"spec":{"controllerName":"axolotl.io/gateway-controller"}}""");
        await Create(Gateways, """
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"edge","namespace":"gw"},
             "spec":{"gatewayClassName":"axolotl","listeners":[
               {"name":"own","port":8443,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"gw-tls"}]}},
               {"name":"shared","port":9443,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"shared-tls","namespace":"certs"},{"name":"ungranted-tls","namespace":"vault"}]}}]}}
            """);
        await Create(ReferenceGrants, """
            {"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"gateways","namespace":"certs"},
             "spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"Gateway","namespace":"gw"}],"to":[{"group":"","kind":"Secret"}]}}
            """);
        return (new IngressControllerAuthorizer(new IngressControllerGraph(objects)), objects);
    }

    private static NodeAuthorizer.Attributes Request(string verb, string resource, string? ns, string? name, string? fieldSelector = null, string group = "") =>
        new(verb, new RequestInfo(group, "v1", resource, ns, name, null), "/api/v1/...", fieldSelector);

    [Fact]
    public async Task A_secret_an_ingress_of_ours_names_is_read_by_name_or_by_a_watch_narrowed_to_it()
    {
        var (authorizer, _) = await ClusterAsync();

        Assert.Equal(IngressControllerAuthorizer.Verdict.Allow, (await authorizer.AuthorizeAsync(EdgeA, Request("get", "secrets", "web", "site-tls"), CancellationToken.None)).Verdict);
        Assert.Equal(IngressControllerAuthorizer.Verdict.Allow,
            (await authorizer.AuthorizeAsync(EdgeA, Request("watch", "secrets", "web", null, "metadata.name=site-tls"), CancellationToken.None)).Verdict);
        Assert.Equal(IngressControllerAuthorizer.Verdict.Allow,
            (await authorizer.AuthorizeAsync(EdgeA, Request("list", "secrets", "web", null, "metadata.name=site-tls"), CancellationToken.None)).Verdict);
    }

    [Fact]
    public async Task An_unreferenced_secret_is_refused_with_the_node_authorizers_wording()
    {
        var (authorizer, _) = await ClusterAsync();

        var result = await authorizer.AuthorizeAsync(EdgeA, Request("get", "secrets", "web", "db-password"), CancellationToken.None);

        Assert.Equal(IngressControllerAuthorizer.Verdict.NoOpinion, result.Verdict);
        Assert.Equal(403, result.Denial!.Code);
        Assert.Equal("secrets \"db-password\" is forbidden: User \"system:axolotl-ingress-controller:node-a\" cannot get resource \"secrets\" in API group \"\" in the namespace \"web\": " +
            "no relationship found between the ingress controller of node 'node-a' and this object", result.Denial.Message);
    }

    [Theory]
    [InlineData("list", null, null)]
    [InlineData("list", "web", null)]
    [InlineData("watch", "web", "metadata.name!=site-tls")]
    [InlineData("watch", null, "metadata.name=site-tls")]
    public async Task Secrets_are_never_listed_or_watched_but_one_by_name(string verb, string? ns, string? fieldSelector)
    {
        var (authorizer, _) = await ClusterAsync();

        var result = await authorizer.AuthorizeAsync(EdgeA, Request(verb, "secrets", ns, null, fieldSelector), CancellationToken.None);

        Assert.Equal(IngressControllerAuthorizer.Verdict.NoOpinion, result.Verdict);
        Assert.EndsWith("can only read namespaced object of this type by name", result.Denial!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("web", "nginx-tls", false)] // named by an Ingress another controller serves
    [InlineData("gw", "gw-tls", true)] // a Gateway listener's certificateRef in its own namespace
    [InlineData("certs", "shared-tls", true)] // across namespaces, with a ReferenceGrant there
    [InlineData("vault", "ungranted-tls", false)] // across namespaces, no ReferenceGrant
    [InlineData("gw", "site-tls", false)]
    public async Task Only_the_ingresses_and_gateways_this_cluster_serves_open_a_secret(string ns, string name, bool allowed)
    {
        var (authorizer, _) = await ClusterAsync();

        var result = await authorizer.AuthorizeAsync(EdgeA, Request("get", "secrets", ns, name), CancellationToken.None);

        Assert.Equal(allowed ? IngressControllerAuthorizer.Verdict.Allow : IngressControllerAuthorizer.Verdict.NoOpinion, result.Verdict);
    }

    [Fact]
    public async Task Everything_else_is_left_to_rbac_and_nothing_is_allowed_once_the_node_is_gone()
    {
        var (authorizer, objects) = await ClusterAsync();

        Assert.Equal(new IngressControllerAuthorizer.Result(IngressControllerAuthorizer.Verdict.NoOpinion, null),
            await authorizer.AuthorizeAsync(EdgeA, Request("list", "services", null, null), CancellationToken.None));
        var node = await objects.GetAsync(KnownResources.Nodes, null, "node-a", CancellationToken.None);
        await objects.DeleteAsync(KnownResources.Nodes, null, "node-a", node!.Revision, CancellationToken.None);
        var secret = await authorizer.AuthorizeAsync(EdgeA, Request("get", "secrets", "web", "site-tls"), CancellationToken.None);
        var services = await authorizer.AuthorizeAsync(EdgeA, Request("list", "services", null, null), CancellationToken.None);

        Assert.Equal(IngressControllerAuthorizer.Verdict.Deny, secret.Verdict);
        Assert.Equal(IngressControllerAuthorizer.Verdict.Deny, services.Verdict);
        Assert.Equal("services is forbidden: User \"system:axolotl-ingress-controller:node-a\" cannot list resource \"services\" in API group \"\" at the cluster scope: " +
            "node 'node-a' is not registered, and its ingress controller's credentials end with it", services.Denial!.Message);
    }

    [Fact]
    public void The_identity_is_recognised_only_with_its_group()
    {
        Assert.Equal("node-a", EdgeA.IngressControllerNodeName);
        Assert.Null(Principal.FromUser("system:axolotl-ingress-controller:node-a", ["system:authenticated"]).IngressControllerNodeName);
        Assert.Null(Principal.FromUser("system:axolotl-ingress-controller", ["system:axolotl-ingress-controllers"]).IngressControllerNodeName);
    }
}
