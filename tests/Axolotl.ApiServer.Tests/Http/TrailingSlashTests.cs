using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Tests.Http;

public sealed class TrailingSlashTests
{
    [Theory]
    [InlineData("/version/", new[] { "version" })]
    [InlineData("/api/", new[] { "api" })]
    [InlineData("/apis/", new[] { "apis" })]
    [InlineData("/api/v1/", new[] { "api", "v1" })]
    [InlineData("/apis/apps/", new[] { "apis", "apps" })]
    [InlineData("/apis/apps/v1/?timeout=32s", new[] { "apis", "apps", "v1" })]
    public void Version_and_discovery_paths_answer_with_a_trailing_slash(string raw, string[] expected)
    {
        Assert.Equal(expected, RequestPath.Parse(raw));
    }

    [Theory]
    [InlineData("/api/v1/pods/")]
    [InlineData("/apis/apps/v1/deployments/")]
    [InlineData("/api//")]
    [InlineData("/apis//v1/")]
    [InlineData("/version//")]
    public void Resource_paths_and_empty_segments_stay_unknown(string raw)
    {
        Assert.Throws<ApiException>(() => RequestPath.Parse(raw));
    }
}
