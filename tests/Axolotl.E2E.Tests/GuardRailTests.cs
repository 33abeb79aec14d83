using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>Kubernetes' guard rails (issue 15 rows 12 and 13): namespaces that may not go, endpoints that may not lead to the node itself.</summary>
[Collection(SharedServerCCollection.Name)]
public sealed class GuardRailTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Theory]
    [InlineData("kube-public")]
    [InlineData("default")]
    [InlineData("kube-system")]
    public async Task The_system_namespaces_may_not_be_deleted(string ns)
    {
        var dryRun = await fx.Kubectl.FailAsync("delete", "namespace", ns, "--dry-run=server");
        var real = await fx.Kubectl.FailAsync("delete", "namespace", ns);

        Assert.Contains($"Error from server (Forbidden): namespaces \"{ns}\" is forbidden: this namespace may not be deleted", dryRun, StringComparison.Ordinal);
        Assert.Contains($"Error from server (Forbidden): namespaces \"{ns}\" is forbidden: this namespace may not be deleted", real, StringComparison.Ordinal);
        Assert.Equal("Active", await fx.Kubectl.OkAsync("get", "namespace", ns, "-o", "jsonpath={.status.phase}"));
    }

    [Fact]
    public async Task Any_other_namespace_still_deletes()
    {
        var ns = await fx.NewNamespaceAsync("mortal");

        await fx.Kubectl.OkAsync("delete", "namespace", ns, "--wait=false");
    }

    [Theory]
    [InlineData("127.0.0.1", "may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("169.254.169.254", "may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    [InlineData("224.0.0.5", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")]
    public async Task Endpoints_may_not_lead_to_the_node_itself(string address, string message)
    {
        var ns = await fx.NewNamespaceAsync("endpoints");

        var endpoints = await fx.Kubectl.FailAsync(["apply", "-n", ns, "-f", fx.WriteFile($"ep-{Guid.NewGuid():N}.yaml", Endpoints("api", address))]);
        var slice = await fx.Kubectl.FailAsync(["apply", "-n", ns, "-f", fx.WriteFile($"slice-{Guid.NewGuid():N}.yaml", Slice("api-1", address))]);

        Assert.Contains($"subsets[0].addresses[0].ip: Invalid value: \"{address}\": {message}", endpoints, StringComparison.Ordinal);
        Assert.Contains($"endpoints[0].addresses[0]: Invalid value: \"{address}\": {message}", slice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoints_in_the_pod_range_are_accepted()
    {
        var ns = await fx.NewNamespaceAsync("endpoints-ok");
        // A Service without a selector: its Endpoints are the user's to write.
        await fx.Kubectl.OkWithInputAsync("apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  ports: [{port: 443}]\n", "apply", "-n", ns, "-f", "-");

        await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", fx.WriteFile($"ep-{Guid.NewGuid():N}.yaml", Endpoints("api", "10.244.7.7")));
        await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", fx.WriteFile($"slice-{Guid.NewGuid():N}.yaml", Slice("api-1", "10.244.7.8")));

        Assert.Equal("10.244.7.7", await fx.Kubectl.OkAsync("get", "endpoints", "api", "-n", ns, "-o", "jsonpath={.subsets[0].addresses[0].ip}"));
    }

    private static string Endpoints(string name, string address) => $"""
        apiVersion: v1
        kind: Endpoints
        metadata: {"{"}name: {name}{"}"}
        subsets:
        - addresses: [{"{"}ip: "{address}"{"}"}]
          ports: [{"{"}port: 443{"}"}]
        """;

    private static string Slice(string name, string address) => $"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {"{"}name: {name}, labels: {"{"}kubernetes.io/service-name: api{"}"}{"}"}
        addressType: IPv4
        endpoints:
        - addresses: ["{address}"]
        ports: [{"{"}port: 443{"}"}]
        """;
}
