using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.ServiceAccounts;

public sealed class NodeTokenAuthorizationTests
{
    private static async Task<NodeAuthorizer> AuthorizerAsync()
    {
        var objects = new ObjectStore(new InMemoryStore());
        var pod = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"apps"},
             "spec":{"nodeName":"node-a","serviceAccountName":"builder","containers":[{"name":"c","image":"busybox"}]}}
            """)!.AsObject();
        await objects.CreateAsync(KnownResources.Pods, pod, CancellationToken.None);
        return new NodeAuthorizer(new NodeGraph(objects));
    }

    private static NodeAuthorizer.Attributes TokenRequest(string ns, string account) =>
        new("create", new RequestInfo("", "v1", "serviceaccounts", ns, account, "token"), $"/api/v1/namespaces/{ns}/serviceaccounts/{account}/token");

    [Fact]
    public async Task A_node_may_ask_for_tokens_only_of_the_service_accounts_its_pods_run_as()
    {
        var authorizer = await AuthorizerAsync();

        Assert.Null(await authorizer.AuthorizeAsync(Principal.Node("node-a"), TokenRequest("apps", "builder"), CancellationToken.None));
        var otherAccount = await authorizer.AuthorizeAsync(Principal.Node("node-a"), TokenRequest("apps", "deployer"), CancellationToken.None);
        var otherNode = await authorizer.AuthorizeAsync(Principal.Node("node-b"), TokenRequest("apps", "builder"), CancellationToken.None);

        Assert.Equal(403, otherAccount!.Code);
        Assert.EndsWith("is forbidden: User \"system:node:node-a\" cannot create resource \"serviceaccounts/token\" in API group \"\" " +
            "in the namespace \"apps\": no relationship found between node 'node-a' and this object", otherAccount.Message, StringComparison.Ordinal);
        Assert.Equal(403, otherNode!.Code);
    }
}
