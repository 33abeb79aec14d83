using System.Net;
using Axolotl.E2E.Tests.Harness;
using k8s;

namespace Axolotl.E2E.Tests.ClientPaths;

/// <summary>
/// Version and discovery paths with a trailing slash, as kube-apiserver answers them: the official
/// C# client's generated calls ask /version/ and /api/v1/ that way.
/// </summary>
[Collection(ClientPathsCollection.Name)]
public sealed class TrailingSlashTests(ClientPathsFixture fx)
{
    [Theory]
    [InlineData("/version")]
    [InlineData("/api")]
    [InlineData("/apis")]
    [InlineData("/api/v1")]
    [InlineData("/apis/apps")]
    [InlineData("/apis/apps/v1")]
    public async Task A_discovery_path_with_a_trailing_slash_answers_as_without(string path)
    {
        using var http = ApiClient.Create(fx.Server);

        var plain = await http.GetAsync(new Uri(path, UriKind.Relative));
        var slashed = await http.GetAsync(new Uri(path + "/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, slashed.StatusCode);
        Assert.Equal(await plain.Content.ReadAsStringAsync(), await slashed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_resource_path_with_a_trailing_slash_stays_unknown()
    {
        using var http = ApiClient.Create(fx.Server);

        var response = await http.GetAsync(new Uri("/api/v1/namespaces/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_official_CSharp_client_reads_the_version_and_the_core_resources()
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fx.Server.Kubeconfig));

        var version = await client.Version.GetCodeAsync();
        var resources = await client.CoreV1.GetAPIResourcesAsync();

        Assert.Equal("1", version.Major);
        Assert.Contains(resources.Resources, r => r.Name == "pods");
    }
}
