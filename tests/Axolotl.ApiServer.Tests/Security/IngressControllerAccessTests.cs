using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Security;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Security;

/// <summary>
/// Over the real HTTP API with a client certificate naming a joined node's edge controllers
/// (system:axolotl-ingress-controller:NODE): the TLS Secret an Ingress of ours names is readable by name, any other
/// Secret and any list of Secrets is refused with the Node authorizer's wording, what RBAC's bootstrap role grants
/// works, and nothing does once the node is deleted.
/// </summary>
[Trait("Category", "Integration")]
public sealed class IngressControllerAccessTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;
    private HttpClient _admin = null!;
    private HttpClient _edge = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _admin = _cluster.CreateHttpClient();
        var certificate = Pki.IssueClientCertificate(_cluster.Host.Pki.Ca, "system:axolotl-ingress-controller:edge-node", ["system:axolotl-ingress-controllers"],
            TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1));
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, ClientCertificates = { certificate } };
        _edge = new HttpClient(handler) { BaseAddress = _cluster.Host.LoopbackUrl, Timeout = TimeSpan.FromSeconds(30) };
        await CreateAsync("/api/v1/nodes", """{"apiVersion":"v1","kind":"Node","metadata":{"name":"edge-node"}}""");
        await CreateAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"web"}}""");
        await CreateAsync("/apis/networking.k8s.io/v1/ingressclasses", """
            {"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"axolotl","annotations":{"ingressclass.kubernetes.io/is-default-class":"true"}},
             "spec":{"controller":"axolotl.io/ingress-controller"}}
            """);
        await CreateAsync("/apis/networking.k8s.io/v1/namespaces/web/ingresses", """
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"site"},
             "spec":{"tls":[{"hosts":["site.example"],"secretName":"site-tls"}],"defaultBackend":{"service":{"name":"site","port":{"number":80}}}}}
            """);
        foreach (var name in (string[])["site-tls", "db-password"])
        {
            await CreateAsync("/api/v1/namespaces/web/secrets", $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"{{{name}}}"},"stringData":{"k":"v"}}""");
        }
    }

    public async Task DisposeAsync()
    {
        _edge.Dispose();
        _admin.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task The_edge_identity_reads_only_its_ingresses_secrets_and_nothing_once_its_node_is_gone()
    {
        var (named, _) = await GetAsync("/api/v1/namespaces/web/secrets/site-tls");
        var (narrowed, narrowedBody) = await GetAsync("/api/v1/namespaces/web/secrets?fieldSelector=metadata.name%3Dsite-tls");
        var (other, otherBody) = await GetAsync("/api/v1/namespaces/web/secrets/db-password");
        var (all, allBody) = await GetAsync("/api/v1/secrets");
        var (services, _) = await GetAsync("/api/v1/services");
        var (pods, _) = await GetAsync("/api/v1/pods");

        Assert.Equal(200, named);
        Assert.Equal(200, narrowed);
        Assert.Equal("site-tls", (string?)narrowedBody["items"]![0]!["metadata"]!["name"]);
        Assert.Equal(403, other);
        Assert.Equal("secrets \"db-password\" is forbidden: User \"system:axolotl-ingress-controller:edge-node\" cannot get resource \"secrets\" in API group \"\" " +
            "in the namespace \"web\": no relationship found between the ingress controller of node 'edge-node' and this object", (string?)otherBody["message"]);
        Assert.Equal(403, all);
        Assert.Equal("secrets is forbidden: User \"system:axolotl-ingress-controller:edge-node\" cannot list resource \"secrets\" in API group \"\" at the cluster scope: " +
            "can only read namespaced object of this type by name", (string?)allBody["message"]);
        Assert.Equal(200, services);
        Assert.Equal(403, pods);

        var delete = await _admin.DeleteAsync(new Uri("/api/v1/nodes/edge-node", UriKind.Relative));
        Assert.True(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());
        var (afterSecret, _) = await GetAsync("/api/v1/namespaces/web/secrets/site-tls");
        var (afterServices, afterBody) = await GetAsync("/api/v1/services");

        Assert.Equal(403, afterSecret);
        Assert.Equal(403, afterServices);
        Assert.EndsWith("node 'edge-node' is not registered, and its ingress controller's credentials end with it", (string?)afterBody["message"], StringComparison.Ordinal);
    }

    private async Task CreateAsync(string path, string json)
    {
        using var response = await _admin.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode == 201, await response.Content.ReadAsStringAsync());
    }

    private async Task<(int Code, JsonObject Body)> GetAsync(string path)
    {
        using var response = await _edge.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text) as JsonObject ?? []);
    }
}
