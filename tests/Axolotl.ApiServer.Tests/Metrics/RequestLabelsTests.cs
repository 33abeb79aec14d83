using Axolotl.ApiServer.Metrics;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Tests.Metrics;

public sealed class RequestLabelsTests
{
    [Theory]
    [InlineData("/ui/")]
    [InlineData("/ui/assets/index.js")]
    [InlineData("/api/v1/namespaces//pods")]
    [InlineData("/apis/apps/v1/namespaces/default/deployments/a/b/c/d")]
    public void A_path_the_api_cannot_parse_is_counted_as_a_non_resource_request(string path)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "HEAD";
        ctx.Request.Path = path;

        var labels = RequestLabels.Of(ctx);

        Assert.Equal(("GET", "", ""), (labels.Verb, labels.Resource, labels.Scope));
    }

    [Fact]
    public void A_collection_get_of_a_served_resource_is_a_namespaced_list()
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "GET";
        ctx.Request.Path = "/api/v1/namespaces/default/pods";

        var labels = RequestLabels.Of(ctx);

        Assert.Equal(("LIST", "pods", "namespace"), (labels.Verb, labels.Resource, labels.Scope));
    }
}
